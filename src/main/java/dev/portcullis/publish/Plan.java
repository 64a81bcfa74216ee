package dev.portcullis.publish;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What publishing would change on a target, per object, computed against what the target held at planning time.
 *
 * @param items one per object, desired ones in {@code PolicyKey} order, deletions after
 * @param desired the objects the plan was made for, as given to {@link TargetAdapter#plan} ({@code apply} writes
 *        these; the items only describe the change)
 * @param basis what the plan was computed against, for the adapter's own use in {@code apply} (the Git branch's
 *        commit id; null when the branch does not exist yet or the target has no such notion)
 */
public record Plan(List<PlanItem> items, List<DesiredObject> desired, @Nullable String basis) {

	public Plan {
		items = List.copyOf(items);
		desired = List.copyOf(desired);
	}

	/** Whether applying the plan changes nothing. */
	public boolean unchanged() {
		return this.items.stream().allMatch((item) -> item.action() == PlanItem.Action.UNCHANGED);
	}

	/** The items that change something. */
	public List<PlanItem> changes() {
		return this.items.stream().filter((item) -> item.action() != PlanItem.Action.UNCHANGED).toList();
	}

}
