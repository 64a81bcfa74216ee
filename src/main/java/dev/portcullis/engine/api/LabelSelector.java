package dev.portcullis.engine.api;

import java.util.List;
import java.util.Map;

/**
 * A Kubernetes label selector as written: {@code matchLabels} and {@code matchExpressions} are ANDed; an empty
 * selector matches everything. Keys may carry a Cilium label source ({@code k8s:app}, {@code reserved:host},
 * {@code any:app}); a key without one means source {@code any}.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

	public static final LabelSelector EMPTY = new LabelSelector(Map.of(), List.of());

	public LabelSelector {
		matchLabels = Map.copyOf(matchLabels);
		matchExpressions = List.copyOf(matchExpressions);
	}

	public boolean isEmpty() {
		return this.matchLabels.isEmpty() && this.matchExpressions.isEmpty();
	}

	/** One {@code matchExpressions} entry. {@code In}/{@code NotIn} have values; the others none. */
	public record Requirement(String key, Operator operator, List<String> values) {

		public Requirement {
			values = List.copyOf(values);
		}

	}

	/** Selector operators; Kubernetes spells them case-sensitively as {@link #spelling()}. */
	public enum Operator {

		IN("In"), NOT_IN("NotIn"), EXISTS("Exists"), DOES_NOT_EXIST("DoesNotExist");

		private final String spelling;

		Operator(String spelling) {
			this.spelling = spelling;
		}

		public String spelling() {
			return this.spelling;
		}

	}

}
