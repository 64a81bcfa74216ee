package dev.portcullis.engine.match;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class EntityTests {

	@Test
	void parseShouldAcceptPolicySpellingsOnly() {
		for (Entity entity : Entity.values()) {
			assertThat(Entity.parse(entity.spelling())).contains(entity);
		}
		assertThat(Entity.parse("remote-node")).contains(Entity.REMOTE_NODE);
		assertThat(Entity.parse("kube-apiserver")).contains(Entity.KUBE_APISERVER);
		assertThat(Entity.parse("World")).isEmpty();
		assertThat(Entity.parse("remote_node")).isEmpty();
		assertThat(Entity.parse("REMOTE_NODE")).isEmpty();
		assertThat(Entity.parse("")).isEmpty();
	}

	@Test
	void inCrdEnumShouldExcludeWorldFamilies() {
		assertThat(Arrays.stream(Entity.values()).filter(Entity::inCrdEnum).map(Entity::spelling)).containsExactlyInAnyOrder(
				"all", "world", "cluster", "host", "init", "ingress", "unmanaged", "remote-node", "health", "none",
				"kube-apiserver");
	}

	/** Columns: identity labels; entities that select it (clusterName "local"). */
	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			reserved:host                                    | all host cluster
			reserved:host,reserved:kube-apiserver            | all host kube-apiserver cluster
			reserved:remote-node                             | all remote-node cluster
			reserved:kube-apiserver,reserved:remote-node     | all remote-node kube-apiserver cluster
			reserved:world                                   | all world
			reserved:world-ipv4                              | all world world-ipv4
			reserved:world-ipv6                              | all world world-ipv6
			cidr:1.2.3.4/32,reserved:world                   | all world
			reserved:health                                  | all health cluster
			reserved:init                                    | all init cluster
			reserved:ingress                                 | all ingress cluster
			reserved:unmanaged                               | all unmanaged cluster
			k8s:app=web,k8s:io.cilium.k8s.policy.cluster=local  | all cluster
			k8s:app=web,k8s:io.cilium.k8s.policy.cluster=remote | all
			k8s:app=web                                      | all
			container:io.cilium.k8s.policy.cluster=local     | all
			""")
	void selectsShouldFollowEntitySelectorMapping(String labels, String selectedBy) {
		Labels identity = Labels.of(List.of(labels.split(",")));
		List<String> expected = List.of(selectedBy.split(" "));
		for (Entity entity : Entity.values()) {
			assertThat(entity.selects(identity, "local")).as(entity.spelling())
				.isEqualTo(expected.contains(entity.spelling()));
		}
	}

}
