package dev.portcullis.simulation;

import java.util.List;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.engine.inventory.InventoryReadResult;
import dev.portcullis.inventory.InventoryText;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.yaml.YamlLimits;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * The optional {@code inventory} of {@code POST /api/v1/evaluate}: the text of
 * {@code kubectl get svc,ns,nodes,ciliumcidrgroups,deploy,statefulset,daemonset,pods -A -o yaml}, read all or
 * nothing; a problem is 400 {@code /problems/invalid-inventory} naming document, path, line and column.
 */
final class InlineInventory {

	private InlineInventory() {
	}

	/** The inventory of the text, or null for null (no inventory given). */
	static @Nullable Inventory read(@Nullable String text, YamlLimits limits) {
		if (text == null) {
			return null;
		}
		InventoryReadResult result = InventoryText.read(text, limits);
		if (result.hasErrors()) {
			throw invalid(result.errors());
		}
		return result.inventory();
	}

	private static ApiProblem invalid(List<Violation> errors) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-inventory", "Invalid inventory",
				errors.size() + ((errors.size() == 1) ? " problem" : " problems")
						+ " in the inventory; each names its document, path, line and column. Nothing of it was used.",
				errors.stream().map(EvaluateResponse.PolicyViolation::of).toList());
	}

}
