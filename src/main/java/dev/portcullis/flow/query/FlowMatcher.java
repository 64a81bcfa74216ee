package dev.portcullis.flow.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.flow.query.Condition.Field;
import org.jspecify.annotations.Nullable;

/**
 * A {@link FlowFilter} compiled once into conditions, then matched against many flows: the allow list and the
 * exclusion list as the CLI's {@code filterTracker} builds them (each a list of one or two alternative
 * conjunctions, "left" for the source and "right" for the destination of a both-sides flag), the time window
 * and the hide-noise switches.
 *
 * @param allow alternatives of which one must hold; empty lets every flow through
 * @param deny alternatives of which none may hold
 * @param since earliest flow time (inclusive) or null
 * @param until latest flow time (inclusive) or null
 * @param hide noise to leave out
 * @param hideLabels selectors whose flows (either side) to leave out
 */
public record FlowMatcher(List<List<Condition>> allow, List<List<Condition>> deny, @Nullable Instant since,
		@Nullable Instant until, Set<FlowFilter.Noise> hide, List<LabelSelectorText> hideLabels) {

	static FlowMatcher of(FlowFilter filter, Instant now) {
		Tracker allow = new Tracker();
		Tracker deny = new Tracker();
		for (FilterTerm term : filter.terms()) {
			(term.negated() ? deny : allow).add(term.flag(), Condition.value(term.flag(), term.value()));
		}
		return new FlowMatcher(allow.conjunctions(), deny.conjunctions(),
				(filter.since() != null) ? filter.since().resolve(now) : null,
				(filter.until() != null) ? filter.until().resolve(now) : null, filter.hide(), filter.hideLabels());
	}

	/** Whether {@code flow}, of time {@code time}, passes. */
	public boolean matches(FlowFacts flow, @Nullable Instant time) {
		if (time != null && ((this.since != null && time.isBefore(this.since))
				|| (this.until != null && time.isAfter(this.until)))) {
			return false;
		}
		for (FlowFilter.Noise noise : this.hide) {
			if (noise.matches(flow)) {
				return false;
			}
		}
		for (LabelSelectorText label : this.hideLabels) {
			if (label.matches(flow.source().labels()) || label.matches(flow.destination().labels())) {
				return false;
			}
		}
		if (!this.allow.isEmpty() && !anyHolds(this.allow, flow)) {
			return false;
		}
		return !anyHolds(this.deny, flow);
	}

	private static boolean anyHolds(List<List<Condition>> alternatives, FlowFacts flow) {
		for (List<Condition> conjunction : alternatives) {
			boolean all = true;
			for (Condition condition : conjunction) {
				if (!condition.matches(flow)) {
					all = false;
					break;
				}
			}
			if (all) {
				return true;
			}
		}
		return false;
	}

	/** The CLI's filterTracker: a left and a right filter, each a field → values map. */
	private static final class Tracker {

		private @Nullable Map<Field, List<Object>> left;

		private @Nullable Map<Field, List<Object>> right;

		void add(Flag flag, Object value) {
			switch (flag) {
				case FROM_POD, FROM_NAMESPACE -> both(Field.SOURCE_POD, value);
				case TO_POD, TO_NAMESPACE -> both(Field.DESTINATION_POD, value);
				case POD, NAMESPACE -> split(Field.SOURCE_POD, Field.DESTINATION_POD, value);
				case FROM_LABEL -> both(Field.SOURCE_LABEL, value);
				case TO_LABEL -> both(Field.DESTINATION_LABEL, value);
				case LABEL -> split(Field.SOURCE_LABEL, Field.DESTINATION_LABEL, value);
				case FROM_IP -> both(Field.SOURCE_IP, value);
				case TO_IP -> both(Field.DESTINATION_IP, value);
				case IP -> split(Field.SOURCE_IP, Field.DESTINATION_IP, value);
				case FROM_FQDN -> both(Field.SOURCE_FQDN, value);
				case TO_FQDN -> both(Field.DESTINATION_FQDN, value);
				case FQDN -> split(Field.SOURCE_FQDN, Field.DESTINATION_FQDN, value);
				case FROM_PORT -> both(Field.SOURCE_PORT, value);
				case TO_PORT -> both(Field.DESTINATION_PORT, value);
				case PORT -> split(Field.SOURCE_PORT, Field.DESTINATION_PORT, value);
				case PROTOCOL -> both(Field.PROTOCOL, value);
				case VERDICT -> both(Field.VERDICT, value);
				case TYPE -> both(Field.TYPE, value);
				case HTTP_STATUS -> both(Field.HTTP_STATUS, value);
				case HTTP_METHOD -> both(Field.HTTP_METHOD, value);
				case HTTP_PATH -> both(Field.HTTP_PATH, value);
				case DROP_REASON_DESC -> both(Field.DROP_REASON_DESC, value);
				case NODE_NAME -> both(Field.NODE_NAME, value);
				case TRAFFIC_DIRECTION -> both(Field.TRAFFIC_DIRECTION, value);
			}
		}

		private void both(Field field, Object value) {
			this.left = put(this.left, field, value);
			this.right = put(this.right, field, value);
		}

		private void split(Field leftField, Field rightField, Object value) {
			this.left = put(this.left, leftField, value);
			this.right = put(this.right, rightField, value);
		}

		private static Map<Field, List<Object>> put(@Nullable Map<Field, List<Object>> filter, Field field,
				Object value) {
			Map<Field, List<Object>> map = (filter != null) ? filter : new EnumMap<>(Field.class);
			map.computeIfAbsent(field, (f) -> new ArrayList<>()).add(value);
			return map;
		}

		List<List<Condition>> conjunctions() {
			if (this.left == null) {
				return List.of();
			}
			List<List<Condition>> alternatives = new ArrayList<>();
			alternatives.add(conditions(this.left));
			if (!this.left.equals(this.right)) {
				alternatives.add(conditions(this.right));
			}
			return List.copyOf(alternatives);
		}

		private static List<Condition> conditions(Map<Field, List<Object>> filter) {
			List<Condition> conditions = new ArrayList<>();
			filter.forEach((field, values) -> conditions.add(new Condition(field, values)));
			return List.copyOf(conditions);
		}

	}

}
