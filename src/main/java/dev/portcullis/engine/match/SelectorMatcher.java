package dev.portcullis.engine.match;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.LabelSelector.Operator;
import dev.portcullis.engine.api.LabelSelector.Requirement;
import dev.portcullis.engine.match.SelectorKey.Compiled;

/**
 * A compiled label selector: {@code matchLabels} and {@code matchExpressions} ANDed, Kubernetes semantics
 * ({@code NotIn} and {@code DoesNotExist} hold when the key is absent), keys looked up as {@link Labels} does.
 * <p>
 * A {@code matchLabels} entry {@code k: v} is {@code k In (v)}; the empty value matches a label without value
 * ({@code reserved:host: ""} selects the host). The empty selector matches every identity. Keys are split into
 * source and key by {@link SelectorKey#parse(String)} ({@code app} = any source, {@code k8s:app} = k8s only).
 * Matching does not allocate.
 */
public final class SelectorMatcher {

	private static final SelectorMatcher ALL = new SelectorMatcher(new Compiled[0], new Operator[0],
			new String[0][], List.of());

	private final Compiled[] keys;

	private final Operator[] operators;

	private final String[][] values;

	private final List<SelectorKey> selectorKeys;

	private SelectorMatcher(Compiled[] keys, Operator[] operators, String[][] values,
			List<SelectorKey> selectorKeys) {
		this.keys = keys;
		this.operators = operators;
		this.values = values;
		this.selectorKeys = selectorKeys;
	}

	/** Compiles a selector the parser has validated. */
	public static SelectorMatcher compile(LabelSelector selector) {
		if (selector.isEmpty()) {
			return ALL;
		}
		int size = selector.matchLabels().size() + selector.matchExpressions().size();
		Compiled[] keys = new Compiled[size];
		Operator[] operators = new Operator[size];
		String[][] values = new String[size][];
		int i = 0;
		// sorted so that evaluation order (and thus any explanation) is deterministic
		for (Map.Entry<String, String> entry : new TreeMap<>(selector.matchLabels()).entrySet()) {
			keys[i] = Compiled.of(entry.getKey());
			operators[i] = Operator.IN;
			values[i] = new String[] { entry.getValue() };
			i++;
		}
		for (Requirement requirement : selector.matchExpressions()) {
			keys[i] = Compiled.of(requirement.key());
			operators[i] = requirement.operator();
			values[i] = requirement.values().stream().distinct().toArray(String[]::new);
			i++;
		}
		return new SelectorMatcher(keys, operators, values, keysOf(selector));
	}

	public boolean matches(Labels labels) {
		for (int i = 0; i < this.keys.length; i++) {
			if (!requirementHolds(i, labels)) {
				return false;
			}
		}
		return true;
	}

	private boolean requirementHolds(int index, Labels labels) {
		Compiled key = this.keys[index];
		switch (this.operators[index]) {
			case EXISTS:
				return labels.has(key);
			case DOES_NOT_EXIST:
				return !labels.has(key);
			case IN:
				String value = labels.value(key);
				return value != null && contains(this.values[index], value);
			case NOT_IN:
				String actual = labels.value(key);
				return actual == null || !contains(this.values[index], actual);
			default:
				throw new IllegalStateException("Unknown operator " + this.operators[index]);
		}
	}

	private static boolean contains(String[] values, String value) {
		for (String candidate : values) {
			if (candidate.equals(value)) {
				return true;
			}
		}
		return false;
	}

	/** The selector's keys, {@code matchLabels} (sorted) first, then {@code matchExpressions} in order. */
	public List<SelectorKey> keys() {
		return this.selectorKeys;
	}

	/** Whether the selector is empty (matches every identity). */
	public boolean matchesAll() {
		return this.keys.length == 0;
	}

	/** The keys of a selector as written, parsed; {@code matchLabels} (sorted) first. */
	public static List<SelectorKey> keysOf(LabelSelector selector) {
		List<SelectorKey> keys = new ArrayList<>();
		for (String key : new TreeMap<>(selector.matchLabels()).keySet()) {
			keys.add(SelectorKey.parse(key));
		}
		for (Requirement requirement : selector.matchExpressions()) {
			keys.add(SelectorKey.parse(requirement.key()));
		}
		return List.copyOf(keys);
	}

	/**
	 * Whether any key of the selector (in {@code matchLabels} or {@code matchExpressions}, whatever the operator)
	 * satisfies {@code test}. For the implicit scoping of peer selectors (utils.go {@code getEndpointSelector}),
	 * for example: {@code mentions(s, k -> k.source().equals("reserved"))},
	 * {@code mentions(s, k -> k.covers("k8s", "io.kubernetes.pod.namespace"))},
	 * {@code mentions(s, k -> k.coversPrefix("k8s", "io.cilium.k8s.namespace.labels."))},
	 * {@code mentions(s, k -> k.covers("k8s", "io.cilium.k8s.policy.cluster"))}.
	 */
	public static boolean mentions(LabelSelector selector, Predicate<SelectorKey> test) {
		for (SelectorKey key : keysOf(selector)) {
			if (test.test(key)) {
				return true;
			}
		}
		return false;
	}

}
