package dev.portcullis.publish.kubernetes;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FieldPathsTests {

	/** As an API server writes it for a policy kubectl created and Portcullis then applied. */
	private static final List<Object> MANAGED_FIELDS = List.of(
			Map.of("manager", "portcullis", "operation", "Apply", "fieldsV1",
					Map.of("f:metadata", Map.of("f:labels", Map.of(".", Map.of(), "f:app", Map.of())), "f:spec",
							Map.of("f:endpointSelector", Map.of("f:matchLabels", Map.of("f:app", Map.of()))))),
			Map.of("manager", "kubectl-edit", "operation", "Update", "fieldsV1",
					Map.of("f:spec", Map.of("f:ingress", Map.of()), "f:metadata",
							Map.of("f:finalizers", Map.of(".", Map.of(), "v:\"example.com/keep\"", Map.of())))),
			Map.of("manager", "cilium-operator", "operation", "Update", "subresource", "status", "fieldsV1",
					Map.of("f:status", Map.of("f:conditions", Map.of("k:{\"type\":\"Valid\"}", Map.of(".", Map.of()))))));

	@ParameterizedTest
	@CsvSource(textBlock = """
			spec.endpointSelector.matchLabels.app,         portcullis
			spec.ingress[0].fromEndpoints[1].matchLabels.x, kubectl-edit
			spec.ingress,                                  kubectl-edit
			metadata.labels.app,                           portcullis
			metadata.finalizers[0],                        kubectl-edit
			status.conditions[0].message,                  cilium-operator
			spec,                                          kubectl-edit
			spec.egress,                                   ''
			""")
	void ownerOfShouldBeTheManagerOfThePathOrItsNearestAncestor(String path, String manager) {
		assertThat(FieldPaths.ownerOf(path, FieldPaths.owners(MANAGED_FIELDS))).isEqualTo(manager.isEmpty() ? null : manager);
	}

	@Test
	void differencesShouldCompareLeavesAndNumbersByValue() {
		Map<String, Object> published = Map.of("spec", Map.of("port", 80, "ingress", List.of(Map.of("a", "b")), "empty", Map.of()));
		Map<String, Object> live = Map.of("spec", Map.of("port", 80L, "ingress", List.of(Map.of("a", "c")), "extra", true, "empty", Map.of()));
		assertThat(FieldPaths.differences(FieldPaths.flatten(published, ""), FieldPaths.flatten(live, "")))
			.containsOnlyKeys("spec.ingress[0].a", "spec.extra")
			.containsEntry("spec.ingress[0].a", java.util.Arrays.asList("b", "c"))
			.containsEntry("spec.extra", java.util.Arrays.asList(null, true));
	}

}
