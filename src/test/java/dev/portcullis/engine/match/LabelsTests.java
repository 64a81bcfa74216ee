package dev.portcullis.engine.match;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsTests {

	private static final Labels POD = Labels.of(List.of("k8s:app=web", "k8s:io.kubernetes.pod.namespace=shop",
			"k8s:io.cilium.k8s.policy.cluster=default", "container:tier=front", "k8s:empty=", "plain=value",
			"k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop"));

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "null", textBlock = """
			k8s:app                        | true  | web
			app                            | true  | web
			any:app                        | true  | web
			container:app                  | false | null
			reserved:app                   | false | null
			tier                           | true  | front
			k8s:tier                       | false | null
			container:tier                 | true  | front
			k8s:empty                      | true  | ''
			plain                          | true  | value
			unspec:plain                   | true  | value
			k8s:plain                      | false | null
			io.kubernetes.pod.namespace    | true  | shop
			k8s:io.kubernetes.pod.namespace | true | shop
			k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name | true | shop
			missing                        | false | null
			""")
	void lookupShouldHonourSelectorKeySource(String selectorKey, boolean present, String value) {
		assertThat(POD.has(selectorKey)).isEqualTo(present);
		assertThat(POD.value(selectorKey)).isEqualTo(value);
	}

	@Test
	void ofShouldParseLabelsAsCiliumParseLabel() {
		Labels labels = Labels.of(List.of("k8s:a:b=c=d", "$host", "reserved:=world", "reserved.health", "noval",
				"k8s:", ""));
		assertThat(labels.asList()).containsExactly("k8s:a:b=c=d", "reserved:health", "reserved:host",
				"reserved:world", "unspec:noval");
		assertThat(labels.value("k8s:a:b")).isEqualTo("c=d");
		assertThat(labels.has("reserved:host")).isTrue();
		assertThat(labels.has("host")).isTrue();
		assertThat(labels.has("noval")).isTrue();
	}

	@Test
	void valueWhenSeveralSourcesShareAKeyShouldTakeTheFirstInSortedOrder() {
		Labels labels = Labels.of(List.of("k8s:app=b", "container:app=a"));
		assertThat(labels.value("app")).isEqualTo("a");
		assertThat(labels.value("k8s:app")).isEqualTo("b");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			cidr:10.1.2.3/32         | cidr:10.0.0.0/8          | true
			cidr:10.1.2.3/32         | cidr:10.1.2.3/32         | true
			cidr:10.1.2.3/32         | cidr:10.1.2.4/32         | false
			cidr:10.0.0.0/8          | cidr:10.1.0.0/16         | false
			cidr:10.1.2.3/32         | cidr:0.0.0.0/0           | true
			cidr:2001:db8::1/128     | cidr:2001-db8--/32       | true
			cidr:2001-db8--1/128     | cidr:2001:db8::/32       | true
			cidr:2001-db8--1/128     | cidr:2001-db8--/32       | true
			cidr:2001:db8::1/128     | cidr:0.0.0.0/0           | false
			cidr:10.1.2.3/32         | any:10.1.2.3/32          | true
			cidr:10.1.2.3/32         | 10.0.0.0/8               | false
			cidr:10.1.2.3/32         | k8s:10.1.2.3/32          | false
			""")
	void hasWhenKeyIsCidrShouldBeContainmentAware(String label, String selectorKey, boolean expected) {
		Labels labels = Labels.of(List.of(label, "reserved:world"));
		assertThat(labels.has(selectorKey)).isEqualTo(expected);
		assertThat(labels.value(selectorKey) != null).isEqualTo(expected);
	}

	@Test
	void equalsShouldCompareContentRegardlessOfOrderAndDuplicates() {
		Labels one = Labels.of(List.of("k8s:app=web", "reserved:host", "k8s:app=web"));
		Labels two = Labels.of(List.of("reserved:host", "k8s:app=web"));
		assertThat(one).isEqualTo(two).hasSameHashCodeAs(two).hasToString("k8s:app=web,reserved:host");
		assertThat(one).isNotEqualTo(Labels.of(List.of("k8s:app=web")));
		assertThat(Labels.EMPTY.isEmpty()).isTrue();
	}

	@Test
	void hasSourceShouldLookAtEveryLabel() {
		Labels world = Labels.of(List.of("cidr:1.2.3.4/32", "reserved:world"));
		assertThat(world.hasSource("cidr")).isTrue();
		assertThat(world.hasSource("reserved")).isTrue();
		assertThat(world.hasSource("k8s")).isFalse();
	}

}
