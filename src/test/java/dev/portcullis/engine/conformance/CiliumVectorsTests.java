package dev.portcullis.engine.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.portcullis.engine.conformance.ConformanceCase.FlowCase;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.match.DnsPattern;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the YAML conformance cases: {@code cilium-vectors.yaml} (shared reference vectors, our copy) and
 * {@code portcullis-cases.yaml} (our own), one dynamic test per policy check and per flow, plus every
 * {@code dns_pattern_vectors} entry. The compact notation is the one the vectors' header describes
 * ({@code identity_labels}, {@code peer_notation}, {@code expect_fields}); {@link ConformanceCase} translates it.
 */
class CiliumVectorsTests {

	@TestFactory
	Stream<DynamicNode> ciliumVectors() throws IOException {
		return cases("/conformance/cilium-vectors.yaml");
	}

	@TestFactory
	Stream<DynamicNode> portcullisCases() throws IOException {
		return cases("/conformance/portcullis-cases.yaml");
	}

	@TestFactory
	Stream<DynamicNode> dnsPatternVectors() throws IOException {
		Map<String, Object> file = load("/conformance/cilium-vectors.yaml");
		List<Map<String, Object>> vectors = ConformanceCase.maps(file.get("dns_pattern_vectors"));
		assertThat(vectors).isNotEmpty();
		return vectors.stream().map((vector) -> {
			ConformanceCase.checkKeys(vector, ConformanceCase.DNS_PATTERN_VECTOR_KEYS, "dns_pattern_vectors " + vector);
			String pattern = (String) vector.get("pattern");
			String name = (String) vector.get("name");
			boolean match = (Boolean) vector.get("match");
			String regex = (String) vector.get("regex");
			return DynamicTest.dynamicTest("matchPattern " + pattern + " vs " + name + " -> " + match, () -> {
				DnsPattern compiled = DnsPattern.matchPattern(pattern);
				assertThat(compiled.regex()).isEqualTo(regex);
				assertThat(compiled.matches(name)).isEqualTo(match);
			});
		});
	}

	private Stream<DynamicNode> cases(String resource) throws IOException {
		Map<String, Object> file = load(resource);
		List<Map<String, Object>> cases = ConformanceCase.maps(file.get("cases"));
		assertThat(cases).isNotEmpty();
		List<DynamicNode> nodes = new ArrayList<>();
		for (Map<String, Object> raw : cases) {
			ConformanceCase conformanceCase = new ConformanceCase(raw);
			List<DynamicNode> tests = new ArrayList<>();
			tests.add(DynamicTest.dynamicTest("policies parse as expected", conformanceCase::checkPolicies));
			List<FlowCase> flows = conformanceCase.flows();
			for (int i = 0; i < flows.size(); i++) {
				FlowCase flow = flows.get(i);
				tests.add(DynamicTest.dynamicTest("flow " + i + ": " + flow.describe(), () -> {
					CompiledPolicies compiled = conformanceCase.compiled();
					Decision decided = compiled.decide(flow.flow());
					Decision explained = compiled.explain(flow.flow());
					assertThat(decided.explanation()).isNull();
					assertThat(explained.explanation()).isNotNull();
					assertThat(new Decision(explained.verdict(), explained.egress(), explained.ingress(),
							explained.l7(), null, explained.uncertain()))
						.as("explain() decides as decide() does")
						.isEqualTo(decided);
					flow.check(explained);
				}));
			}
			nodes.add(DynamicContainer.dynamicContainer(conformanceCase.id() + " " + conformanceCase.title(), tests));
		}
		return nodes.stream();
	}

	/** The file's top-level map; refuses keys the format does not know. */
	static Map<String, Object> load(String resource) throws IOException {
		try (InputStream in = CiliumVectorsTests.class.getResourceAsStream(resource)) {
			assertThat(in).as(resource).isNotNull();
			return read(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
		}
	}

	/** A conformance file's top-level map; refuses keys the format does not know. */
	static Map<String, Object> read(String text, String name) {
		Map<String, Object> file = ConformanceCase.map(new Load(LoadSettings.builder().build()).loadFromString(text));
		ConformanceCase.checkKeys(file, ConformanceCase.FILE_KEYS, name);
		return file;
	}

}
