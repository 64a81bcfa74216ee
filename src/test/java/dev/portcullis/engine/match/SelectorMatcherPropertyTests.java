package dev.portcullis.engine.match;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.LabelSelector.Operator;
import dev.portcullis.engine.api.LabelSelector.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/** Selectors on random label sets against a naive evaluator written from the Kubernetes and Cilium rules. */
class SelectorMatcherPropertyTests {

	private static final List<String> SOURCES = List.of("k8s", "container", "reserved", "unspec");

	private static final List<String> KEYS = List.of("app", "tier", "a.b/c");

	private static final List<String> VALUES = List.of("", "x", "y");

	/** A label: source, key, value. */
	record Label(String source, String key, String value) {

		String text() {
			return this.value.isEmpty() ? this.source + ":" + this.key : this.source + ":" + this.key + "=" + this.value;
		}

	}

	@Provide
	Arbitrary<List<Label>> labelSets() {
		Arbitrary<Label> label = Combinators.combine(Arbitraries.of(SOURCES), Arbitraries.of(KEYS),
				Arbitraries.of(VALUES)).as(Label::new);
		return label.list().ofMaxSize(6);
	}

	@Provide
	Arbitrary<String> selectorKeys() {
		return Combinators.combine(Arbitraries.of("", "k8s:", "any:", "container:", "reserved:"), Arbitraries.of(KEYS))
			.as(String::concat);
	}

	@Provide
	Arbitrary<LabelSelector> selectors() {
		Arbitrary<Map<String, String>> matchLabels = Arbitraries.maps(selectorKeys(), Arbitraries.of(VALUES))
			.ofMaxSize(2);
		Arbitrary<Requirement> requirement = Combinators
			.combine(selectorKeys(), Arbitraries.of(Operator.class), Arbitraries.of(VALUES).list().ofMinSize(1).ofMaxSize(2))
			.as((key, operator, values) -> new Requirement(key, operator,
					(operator == Operator.IN || operator == Operator.NOT_IN) ? values : List.of()));
		return Combinators.combine(matchLabels, requirement.list().ofMaxSize(3)).as(LabelSelector::new);
	}

	@Property(tries = 1000)
	void matchesShouldAgreeWithNaiveEvaluator(@ForAll("labelSets") List<Label> labels,
			@ForAll("selectors") LabelSelector selector) {
		Labels identity = Labels.of(labels.stream().map(Label::text).toList());
		assertThat(SelectorMatcher.compile(selector).matches(identity)).isEqualTo(naiveMatches(labels, selector));
	}

	@Property(tries = 500)
	void lookupShouldAgreeWithNaiveLookup(@ForAll("labelSets") List<Label> labels,
			@ForAll("selectorKeys") String selectorKey) {
		Labels identity = Labels.of(labels.stream().map(Label::text).toList());
		assertThat(identity.value(selectorKey)).isEqualTo(naiveValue(labels, selectorKey));
		assertThat(identity.has(selectorKey)).isEqualTo(naiveValue(labels, selectorKey) != null);
	}

	private static boolean naiveMatches(List<Label> labels, LabelSelector selector) {
		Map<String, String> matchLabels = new LinkedHashMap<>(selector.matchLabels());
		for (Map.Entry<String, String> entry : matchLabels.entrySet()) {
			if (!entry.getValue().equals(naiveValue(labels, entry.getKey()))) {
				return false;
			}
		}
		for (Requirement requirement : selector.matchExpressions()) {
			String value = naiveValue(labels, requirement.key());
			boolean holds = switch (requirement.operator()) {
				case IN -> value != null && requirement.values().contains(value);
				case NOT_IN -> value == null || !requirement.values().contains(value);
				case EXISTS -> value != null;
				case DOES_NOT_EXIST -> value == null;
			};
			if (!holds) {
				return false;
			}
		}
		return true;
	}

	/** The value of the first label in (source, key, value) order whose key matches, honouring the source. */
	private static @Nullable String naiveValue(List<Label> labels, String selectorKey) {
		int colon = selectorKey.indexOf(':');
		String source = (colon < 0) ? "any" : selectorKey.substring(0, colon);
		String key = selectorKey.substring(colon + 1);
		List<Label> sorted = new ArrayList<>(labels);
		sorted.sort(Comparator.comparing(Label::source).thenComparing(Label::key).thenComparing(Label::value));
		for (Label label : sorted) {
			if (label.key().equals(key) && (source.equals("any") || source.equals(label.source()))) {
				return label.value();
			}
		}
		return null;
	}

}
