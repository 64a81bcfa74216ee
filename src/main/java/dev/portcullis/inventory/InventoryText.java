package dev.portcullis.inventory;

import java.util.Map;

import dev.portcullis.engine.inventory.InventoryReadResult;
import dev.portcullis.engine.inventory.InventoryReader;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlReader;

/**
 * kubectl output ({@code kubectl get svc,ns,nodes,ciliumcidrgroups,deploy,statefulset,daemonset,pods -A -o yaml},
 * or JSON) read into an inventory, all or nothing: the one reading shared by imports into a workspace and the inline
 * {@code inventory} of {@code POST /api/v1/evaluate}. CPU-bound: callers run it on the engine pool.
 */
public final class InventoryText {

	/** kubectl output for a whole cluster is large; the limits follow the 16 MiB request body. */
	private static final int MAX_INPUT_CHARS = 16 * 1024 * 1024;

	/** Most of kubectl's output is fields the reader skips, so a cluster's text holds many nodes. */
	private static final int MAX_NODES = 4_000_000;

	private InventoryText() {
	}

	/**
	 * Reads the text under the application's YAML limits, raised to what a cluster's kubectl output needs.
	 * @return the inventory with its warnings, or no inventory and the errors (YAML or inventory) that refuse it
	 */
	public static InventoryReadResult read(String text, YamlLimits base) {
		YamlLimits limits = base.withMaxInputChars(Math.max(base.maxInputChars(), MAX_INPUT_CHARS))
			.withMaxNodes(Math.max(base.maxNodes(), MAX_NODES));
		YamlDocuments documents = YamlReader.read(text, limits);
		if (documents.hasErrors()) {
			return new InventoryReadResult(null, documents.errors(), Map.of());
		}
		return InventoryReader.read(documents.documents());
	}

}
