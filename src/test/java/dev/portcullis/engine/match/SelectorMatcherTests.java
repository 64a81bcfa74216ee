package dev.portcullis.engine.match;

import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.LabelSelector.Operator;
import dev.portcullis.engine.api.LabelSelector.Requirement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SelectorMatcherTests {

	private static final Labels WEB = Labels.of(List.of("k8s:app=web", "k8s:io.kubernetes.pod.namespace=shop",
			"k8s:tier="));

	private static final Labels HOST = Labels.of(List.of("reserved:host", "reserved:kube-apiserver"));

	private static SelectorMatcher labels(Map<String, String> labels) {
		return SelectorMatcher.compile(new LabelSelector(labels, List.of()));
	}

	private static SelectorMatcher expression(String key, Operator operator, String... values) {
		return SelectorMatcher.compile(new LabelSelector(Map.of(), List.of(new Requirement(key, operator,
				List.of(values)))));
	}

	@Test
	void matchesWhenSelectorIsEmptyShouldMatchEverything() {
		SelectorMatcher all = SelectorMatcher.compile(LabelSelector.EMPTY);
		assertThat(all.matches(WEB)).isTrue();
		assertThat(all.matches(Labels.EMPTY)).isTrue();
		assertThat(all.matchesAll()).isTrue();
	}

	@Test
	void matchesWhenMatchLabelsShouldRequireEveryValue() {
		assertThat(labels(Map.of("app", "web")).matches(WEB)).isTrue();
		assertThat(labels(Map.of("k8s:app", "web")).matches(WEB)).isTrue();
		assertThat(labels(Map.of("container:app", "web")).matches(WEB)).isFalse();
		assertThat(labels(Map.of("app", "web", "io.kubernetes.pod.namespace", "shop")).matches(WEB)).isTrue();
		assertThat(labels(Map.of("app", "web", "io.kubernetes.pod.namespace", "other")).matches(WEB)).isFalse();
		assertThat(labels(Map.of("app", "Web")).matches(WEB)).isFalse();
	}

	@Test
	void matchesWhenMatchLabelsValueIsEmptyShouldMatchLabelWithoutValue() {
		assertThat(labels(Map.of("reserved:host", "")).matches(HOST)).isTrue();
		assertThat(labels(Map.of("reserved:host", "")).matches(WEB)).isFalse();
		assertThat(labels(Map.of("tier", "")).matches(WEB)).isTrue();
		assertThat(labels(Map.of("app", "")).matches(WEB)).isFalse();
	}

	@Test
	void matchesWhenExpressionsShouldFollowKubernetesSemantics() {
		assertThat(expression("app", Operator.IN, "api", "web").matches(WEB)).isTrue();
		assertThat(expression("app", Operator.IN, "api").matches(WEB)).isFalse();
		assertThat(expression("missing", Operator.IN, "x").matches(WEB)).isFalse();
		assertThat(expression("app", Operator.NOT_IN, "api").matches(WEB)).isTrue();
		assertThat(expression("app", Operator.NOT_IN, "web").matches(WEB)).isFalse();
		assertThat(expression("missing", Operator.NOT_IN, "x").matches(WEB)).isTrue();
		assertThat(expression("app", Operator.EXISTS).matches(WEB)).isTrue();
		assertThat(expression("missing", Operator.EXISTS).matches(WEB)).isFalse();
		assertThat(expression("app", Operator.DOES_NOT_EXIST).matches(WEB)).isFalse();
		assertThat(expression("missing", Operator.DOES_NOT_EXIST).matches(WEB)).isTrue();
		assertThat(expression("k8s:io.kubernetes.pod.namespace", Operator.EXISTS).matches(HOST)).isFalse();
	}

	@Test
	void matchesShouldAndMatchLabelsWithExpressions() {
		SelectorMatcher matcher = SelectorMatcher.compile(new LabelSelector(Map.of("app", "web"),
				List.of(new Requirement("tier", Operator.DOES_NOT_EXIST, List.of()))));
		assertThat(matcher.matches(WEB)).isFalse();
		assertThat(matcher.matches(Labels.of(List.of("k8s:app=web")))).isTrue();
	}

	@Test
	void matchesWhenKeyIsCidrShouldBeContainmentAware() {
		Labels world = Labels.of(List.of("cidr:10.1.2.3/32", "reserved:world"));
		assertThat(labels(Map.of("cidr:10.0.0.0/8", "")).matches(world)).isTrue();
		assertThat(labels(Map.of("cidr:192.168.0.0/16", "")).matches(world)).isFalse();
	}

	@Test
	void keysAndMentionsShouldExposeParsedKeys() {
		LabelSelector selector = new LabelSelector(Map.of("app", "web", "k8s:io.kubernetes.pod.namespace", "a"),
				List.of(new Requirement("io.cilium.k8s.namespace.labels.team", Operator.EXISTS, List.of())));
		assertThat(SelectorMatcher.compile(selector).keys()).containsExactly(new SelectorKey("any", "app"),
				new SelectorKey("k8s", "io.kubernetes.pod.namespace"),
				new SelectorKey("any", "io.cilium.k8s.namespace.labels.team"));
		assertThat(SelectorMatcher.mentions(selector, (key) -> key.covers("k8s", "io.kubernetes.pod.namespace")))
			.isTrue();
		assertThat(SelectorMatcher.mentions(selector,
				(key) -> key.coversPrefix("k8s", "io.cilium.k8s.namespace.labels."))).isTrue();
		assertThat(SelectorMatcher.mentions(selector, (key) -> key.covers("k8s", "io.cilium.k8s.policy.cluster")))
			.isFalse();
		assertThat(SelectorMatcher.mentions(selector, (key) -> key.source().equals("reserved"))).isFalse();
		assertThat(SelectorMatcher.mentions(new LabelSelector(Map.of("reserved:host", ""), List.of()),
				(key) -> key.source().equals("reserved"))).isTrue();
	}

	@Test
	void selectorKeyShouldSplitAsParseSelectLabel() {
		assertThat(SelectorKey.parse("app")).isEqualTo(new SelectorKey("any", "app"));
		assertThat(SelectorKey.parse("k8s:app")).isEqualTo(new SelectorKey("k8s", "app"));
		assertThat(SelectorKey.parse("k8s:a:b")).isEqualTo(new SelectorKey("k8s", "a:b"));
		assertThat(SelectorKey.parse("$host")).isEqualTo(new SelectorKey("reserved", "host"));
		assertThat(SelectorKey.parse("reserved.host")).isEqualTo(new SelectorKey("reserved", "host"));
		assertThat(SelectorKey.parse("io.kubernetes.pod.namespace"))
			.isEqualTo(new SelectorKey("any", "io.kubernetes.pod.namespace"));
		assertThat(new SelectorKey("container", "app").covers("k8s", "app")).isFalse();
		assertThat(new SelectorKey("any", "app").covers("k8s", "app")).isTrue();
	}

	@Test
	void selectorKeyWithADotInItsSourceShouldReadAsCiliumsExtendedKey() {
		assertThat(SelectorKey.parse("k8s.io:kubernetes.pod.namespace"))
			.isEqualTo(new SelectorKey("k8s", "io.kubernetes.pod.namespace"));
		assertThat(SelectorKey.parse("reserved.foo:bar")).isEqualTo(new SelectorKey("reserved", "foo.bar"));
		assertThat(SelectorKey.parse(".x:y")).isEqualTo(new SelectorKey("any", "x.y"));
		assertThat(SelectorKey.parse("k8s.app")).isEqualTo(new SelectorKey("any", "k8s.app"));
		assertThat(SelectorKey.parse("$host").isReserved()).isTrue();
		assertThat(SelectorKey.parse("reserved.host").isReserved()).isTrue();
		assertThat(SelectorKey.parse("reserved:host").isReserved()).isTrue();
		assertThat(SelectorKey.parse("any:reserved.host").isReserved()).isFalse();
		Labels labels = Labels.of(List.of("k8s:io.kubernetes.pod.namespace=other"));
		assertThat(SelectorMatcher.compile(new LabelSelector(Map.of("k8s.io:kubernetes.pod.namespace", "other"),
				List.of())).matches(labels)).isTrue();
	}

}
