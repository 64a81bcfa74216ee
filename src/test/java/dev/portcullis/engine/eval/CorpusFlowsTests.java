package dev.portcullis.engine.eval;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.portcullis.engine.eval.Decision.Outcome;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.hubble.FlowReader;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every real Hubble flow of the corpus goes through parsing, decision and explanation. */
class CorpusFlowsTests {

	private static final String POLICIES = """
			apiVersion: cilium.io/v2
			kind: CiliumClusterwideNetworkPolicy
			metadata: {name: cluster-only}
			spec:
			  endpointSelector: {}
			  ingress:
			  - fromEntities: [cluster]
			---
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: reviews-http, namespace: bookinfo}
			spec:
			  endpointSelector: {matchLabels: {app: reviews}}
			  ingress:
			  - fromEndpoints:
			    - matchLabels: {app: productpage}
			    toPorts:
			    - ports: [{port: "9080", protocol: TCP}]
			      rules:
			        http:
			        - {method: GET, path: "/reviews/[0-9]+"}
			""";

	/** A flow file of src/test/resources/flows and the number of flows its README gives. */
	record FlowFile(String name, int flows) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	/** Every flow file, as the README's table lists them. */
	static List<FlowFile> files() throws IOException {
		List<FlowFile> files = new ArrayList<>();
		try (InputStream in = CorpusFlowsTests.class.getResourceAsStream("/flows/README.md")) {
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				if (line.startsWith("| basic-sample-")) {
					String[] cells = line.split("\\|");
					files.add(new FlowFile(cells[1].strip(), Integer.parseInt(cells[2].strip())));
				}
			}
		}
		assertThat(files).isNotEmpty();
		return files;
	}

	@Test
	void readmeShouldListEveryFlowFile() throws IOException, URISyntaxException {
		Path folder = Path.of(CorpusFlowsTests.class.getResource("/flows/README.md").toURI()).getParent();
		try (Stream<Path> list = Files.list(folder)) {
			assertThat(list.map((p) -> p.getFileName().toString()).filter((n) -> n.endsWith(".json")))
				.containsExactlyInAnyOrderElementsOf(files().stream().map(FlowFile::name).toList());
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("files")
	void decideWhenRealFlowsShouldDecideAndExplainEveryOne(FlowFile file) throws IOException {
		ParseResult parsed = PolicyParser.parse(YamlReader.read(POLICIES).documents());
		assertThat(parsed.errors()).isEmpty();
		CompiledPolicies none = CompiledPolicies.compile(List.of(), EngineOptions.DEFAULTS);
		CompiledPolicies some = CompiledPolicies.compile(parsed.policies(), EngineOptions.DEFAULTS);
		List<Flow> flows = flows("/flows/" + file.name());
		assertThat(flows).hasSize(file.flows());
		for (Flow flow : flows) {
			assertThat(none.decide(flow).verdict()).isEqualTo(Decision.Verdict.FORWARDED);
			Decision decided = some.decide(flow);
			Decision explained = some.explain(flow);
			assertThat(new Decision(explained.verdict(), explained.egress(), explained.ingress(), explained.l7(),
					null, explained.uncertain())).isEqualTo(decided);
			assertThat(explained.explanation().summary()).startsWith(decided.verdict().name());
			if (flow.reply()) {
				assertThat(decided.ingress().outcome()).isEqualTo(Outcome.NOT_EVALUATED);
			}
			else if (flow.destination().namespace() != null) {
				assertThat(decided.ingress().outcome()).isNotEqualTo(Outcome.NOT_ENFORCED);
			}
		}
	}

	private static List<Flow> flows(String resource) throws IOException {
		try (InputStream in = CorpusFlowsTests.class.getResourceAsStream(resource)) {
			FlowParseResult result = new FlowReader().readLines(in);
			assertThat(result.hasErrors()).isFalse();
			return result.flows().stream().map(FlowParseResult.ParsedFlow::flow).toList();
		}
	}

}
