package dev.portcullis.engine.inventory;

import java.util.List;
import java.util.Map;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.doc.Violations;
import org.jspecify.annotations.Nullable;

/**
 * What {@link InventoryReader} read: the inventory (null when any error was found: an import is all or nothing),
 * every violation (errors, and a warning per ignored kind), and how many objects of each kind that an inventory does
 * not keep were ignored.
 */
public record InventoryReadResult(@Nullable Inventory inventory, List<Violation> violations,
		Map<String, Integer> ignoredKinds) implements Violations {

	public InventoryReadResult {
		violations = List.copyOf(violations);
		ignoredKinds = Map.copyOf(ignoredKinds);
	}

	/** How many objects were ignored in all. */
	public int ignored() {
		return this.ignoredKinds.values().stream().mapToInt(Integer::intValue).sum();
	}

}
