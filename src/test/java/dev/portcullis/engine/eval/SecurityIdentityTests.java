package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.flow.Flow.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityIdentityTests {

	private final SecurityIdentity.Table table = new SecurityIdentity.Table("local");

	@Test
	void ofWhenPodLacksNamespaceAndClusterLabelsShouldAddThem() {
		SecurityIdentity identity = this.table.of(new Endpoint("ns1", List.of("k8s:app=web"), "web-1", null, List.of()),
				List.of());
		assertThat(identity.kind).isEqualTo(SecurityIdentity.Kind.POD);
		assertThat(identity.labelList).containsExactly("k8s:app=web", "k8s:io.cilium.k8s.policy.cluster=local",
				"k8s:io.kubernetes.pod.namespace=ns1");
	}

	@Test
	void ofWhenPodNamesItsClusterShouldUseIt() {
		SecurityIdentity identity = this.table.of(new Endpoint("ns1", List.of("k8s:app=web"), null, "c2", List.of()),
				List.of());
		assertThat(identity.labels.value("k8s:io.cilium.k8s.policy.cluster")).isEqualTo("c2");
	}

	@Test
	void ofWhenSameEndpointShouldReturnTheSameInternedIdentity() {
		Endpoint endpoint = new Endpoint("ns1", List.of("k8s:app=web"), null, null, List.of());
		assertThat(this.table.of(endpoint, List.of())).isSameAs(
				this.table.of(new Endpoint("ns1", List.of("k8s:app=web"), null, null, List.of()), List.of()));
	}

	@Test
	void ofWhenHostShouldCarryNodeLabelsAsK8sLabels() {
		SecurityIdentity host = this.table.of(Fixtures.reserved("reserved:host"), List.of("kubernetes.io/hostname=n1",
				"node:x=y"));
		assertThat(host.isHost()).isTrue();
		assertThat(host.labelList).containsExactly("k8s:kubernetes.io/hostname=n1", "node:x=y", "reserved:host");
	}

	@Test
	void ofWhenNoLabelsShouldBeWorld() {
		SecurityIdentity world = this.table.of(Fixtures.reserved(), List.of());
		assertThat(world.kind).isEqualTo(SecurityIdentity.Kind.WORLD);
		assertThat(world.labelList).containsExactly("reserved:world");
		assertThat(this.table.of(Fixtures.reserved("cidr:1.2.3.4/32"), List.of()).kind).isEqualTo(SecurityIdentity.Kind.WORLD);
	}

	@ParameterizedTest
	@CsvSource({ "reserved:host, HOST, true", "reserved:health, RESERVED_ENDPOINT, true",
			"reserved:init, RESERVED_ENDPOINT, true", "reserved:ingress, RESERVED_ENDPOINT, true",
			"reserved:remote-node, REMOTE_NODE, false", "reserved:kube-apiserver, REMOTE_NODE, false",
			"reserved:unmanaged, OTHER_CLUSTER, false", "reserved:world, WORLD, false",
			"reserved:world-ipv6, WORLD, false" })
	void ofWhenReservedShouldClassify(String label, SecurityIdentity.Kind kind, boolean local) {
		SecurityIdentity identity = this.table.of(Fixtures.reserved(label), List.of());
		assertThat(identity.kind).isEqualTo(kind);
		assertThat(identity.isLocalEndpoint()).isEqualTo(local);
	}

	@Test
	void cidrSelectableShouldBeWorldOnlyUnlessNodesModeIsOn() {
		SecurityIdentity remote = this.table.of(Fixtures.reserved("reserved:remote-node"), List.of());
		SecurityIdentity pod = this.table.of(Fixtures.pod("a", "app", "b"), List.of());
		SecurityIdentity world = this.table.of(Fixtures.world(), List.of());
		assertThat(world.cidrSelectable(false)).isTrue();
		assertThat(remote.cidrSelectable(false)).isFalse();
		assertThat(remote.cidrSelectable(true)).isTrue();
		assertThat(pod.cidrSelectable(true)).isFalse();
	}

}
