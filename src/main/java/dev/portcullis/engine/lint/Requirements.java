package dev.portcullis.engine.lint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.LabelSelector.Operator;
import dev.portcullis.engine.api.LabelSelector.Requirement;
import org.jspecify.annotations.Nullable;

/**
 * A label selector as a set of requirements with normalised keys ({@code k8s:} and {@code any:} sources dropped,
 * {@code matchLabels} entries as single-value {@code In}), so that selectors can be compared: one whose
 * requirements are a subset of another's selects at least everything the other selects, and one whose
 * requirements contradict each other selects nothing (Kubernetes semantics: requirements are ANDed, {@code NotIn}
 * and {@code DoesNotExist} hold for an absent key; pkg/k8s/slim/k8s/apis/labels/selector.go).
 */
record Requirements(Set<Requirement> all) {

	static final String NAMESPACE_KEY = "io.kubernetes.pod.namespace";

	/**
	 * The selector's requirements; {@code namespace} adds {@code io.kubernetes.pod.namespace In [namespace]} when
	 * the selector names no namespace itself (a CNP's implicit namespace; pkg/k8s/apis/cilium.io/utils/utils.go
	 * {@code getEndpointSelector}), {@code anyNamespace} adds {@code Exists} instead (a CCNP's peers).
	 */
	static Requirements of(LabelSelector selector, @Nullable String namespace, boolean anyNamespace) {
		Set<Requirement> all = new HashSet<>();
		selector.matchLabels().forEach((key, value) -> all.add(new Requirement(key(key), Operator.IN, List.of(value))));
		for (Requirement requirement : selector.matchExpressions()) {
			all.add(new Requirement(key(requirement.key()), requirement.operator(),
					List.copyOf(new TreeSet<>(requirement.values()))));
		}
		boolean named = all.stream().anyMatch((r) -> r.key().equals(NAMESPACE_KEY));
		boolean reserved = all.stream().anyMatch((r) -> r.key().startsWith("reserved:") || r.key().startsWith("reserved."));
		if (!named && !reserved) {
			if (namespace != null) {
				all.add(new Requirement(NAMESPACE_KEY, Operator.IN, List.of(namespace)));
			}
			else if (anyNamespace) {
				all.add(new Requirement(NAMESPACE_KEY, Operator.EXISTS, List.of()));
			}
		}
		return new Requirements(Set.copyOf(all));
	}

	static String key(String key) {
		return (key.startsWith("k8s:") || key.startsWith("any:")) ? key.substring(4) : key;
	}

	/**
	 * Whether every endpoint {@code other} selects is selected by this one: each of this selector's requirements is
	 * one of {@code other}'s, or implied by one ({@code Exists} by any {@code In}; {@code In [a, b]} by
	 * {@code In [a]}).
	 */
	boolean covers(Requirements other) {
		for (Requirement mine : this.all) {
			if (!other.implies(mine)) {
				return false;
			}
		}
		return true;
	}

	private boolean implies(Requirement wanted) {
		for (Requirement have : this.all) {
			if (!have.key().equals(wanted.key())) {
				continue;
			}
			if (have.equals(wanted)) {
				return true;
			}
			switch (wanted.operator()) {
				case EXISTS -> {
					if (have.operator() == Operator.IN) {
						return true;
					}
				}
				case IN -> {
					if (have.operator() == Operator.IN && wanted.values().containsAll(have.values())) {
						return true;
					}
				}
				case NOT_IN -> {
					if (have.operator() == Operator.DOES_NOT_EXIST || (have.operator() == Operator.IN
							&& have.values().stream().noneMatch(wanted.values()::contains))) {
						return true;
					}
				}
				case DOES_NOT_EXIST -> {
				}
			}
		}
		return false;
	}

	/**
	 * Why no label set can satisfy the selector ("app=web contradicts app In (api)"), or null when some can.
	 * Checks pairs of requirements on one key.
	 */
	static @Nullable String contradiction(LabelSelector selector) {
		List<Requirement> all = new ArrayList<>();
		Map<Requirement, String> written = new HashMap<>();
		selector.matchLabels().forEach((key, value) -> {
			Requirement requirement = new Requirement(key(key), Operator.IN, List.of(value));
			all.add(requirement);
			written.put(requirement, key + "=" + value);
		});
		for (Requirement expression : selector.matchExpressions()) {
			Requirement requirement = new Requirement(key(expression.key()), expression.operator(), expression.values());
			all.add(requirement);
			written.putIfAbsent(requirement, text(expression));
		}
		Map<String, List<Requirement>> byKey = new java.util.TreeMap<>();
		for (Requirement requirement : all) {
			byKey.computeIfAbsent(requirement.key(), (k) -> new ArrayList<>()).add(requirement);
		}
		for (List<Requirement> same : byKey.values()) {
			for (int i = 0; i < same.size(); i++) {
				for (int j = i + 1; j < same.size(); j++) {
					if (contradict(same.get(i), same.get(j)) || contradict(same.get(j), same.get(i))) {
						return written.get(same.get(i)) + " contradicts " + written.get(same.get(j));
					}
				}
			}
		}
		return null;
	}

	private static boolean contradict(Requirement a, Requirement b) {
		return switch (a.operator()) {
			case IN -> switch (b.operator()) {
				case IN -> a.values().stream().noneMatch(b.values()::contains);
				case NOT_IN -> b.values().containsAll(a.values());
				case DOES_NOT_EXIST -> true;
				case EXISTS -> false;
			};
			case EXISTS -> b.operator() == Operator.DOES_NOT_EXIST;
			default -> false;
		};
	}

	private static String text(Requirement requirement) {
		return switch (requirement.operator()) {
			case IN -> requirement.key() + " In (" + String.join(", ", requirement.values()) + ")";
			case NOT_IN -> requirement.key() + " NotIn (" + String.join(", ", requirement.values()) + ")";
			case EXISTS -> requirement.key() + " Exists";
			case DOES_NOT_EXIST -> requirement.key() + " DoesNotExist";
		};
	}

}
