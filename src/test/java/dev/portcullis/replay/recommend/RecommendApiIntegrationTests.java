package dev.portcullis.replay.recommend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.flow.query.WorkloadTuples;
import dev.portcullis.web.ApiProblem;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.hubble.FlowReader;
import dev.portcullis.identity.Role;
import dev.portcullis.simulation.Scenario;
import dev.portcullis.simulation.Simulations;
import dev.portcullis.simulation.StateChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code POST /api/v1/workspaces/{ws}/recommend} on every real Hubble export of the corpus
 * (src/test/resources/flows): the draft breaks nothing that got through (each flow of the export decided by the
 * engine under the workspace's latest state with the draft, as a save would leave it), its answers are
 * byte-identical when asked twice, selectors never use unstable labels, and bad input is refused.
 */
class RecommendApiIntegrationTests extends IntegrationTest {

	static final List<String> FILES = List.of("basic-sample-10-flows.json", "basic-sample-330-dns-flows.json",
			"basic-sample-348-http-flows.json", "basic-sample-400-icmpv4-flows.json",
			"basic-sample-400-l7-redirected-flows.json", "basic-sample-400-tcp-flows.json",
			"basic-sample-400-udp-flows.json", "basic-sample-5-dns-flows.json", "basic-sample-5-http-flows.json");

	/**
	 * What each export holds that got through and that its draft would deny, as the report names it: replies Hubble
	 * did not mark as such ({@code is_reply} absent), which the draft does not allow and Cilium never decides.
	 */
	static final Map<String, String> EXPECTED_DENIED = Map.of();

	@Autowired
	JsonMapper json;

	@Autowired
	Simulations simulations;

	@Autowired
	WorkloadTuples tuples;

	static List<String> files() {
		return FILES;
	}

	String workspaceWith(String file) throws IOException {
		String ws = "rec-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(text(file)).exchange()
			.expectStatus().isOk();
		return ws;
	}

	static String text(String file) throws IOException {
		try (InputStream in = RecommendApiIntegrationTests.class.getResourceAsStream("/flows/" + file)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	byte[] recommend(String ws, String body, int status) {
		return as(Role.VIEWER).post().uri("/api/v1/workspaces/" + ws + "/recommend")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isEqualTo(status)
			.expectBody().returnResult().getResponseBody();
	}

	/** Flows that got through, decided one by one from the export's own lines (not from the stored groups). */
	static List<Flow> gotThrough(String file) throws IOException {
		FlowReader reader = new FlowReader();
		List<Flow> flows = new ArrayList<>();
		int index = 0;
		for (String line : text(file).split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			String verdict = line.contains("\"verdict\":\"FORWARDED\"") ? "FORWARDED"
					: line.contains("\"verdict\":\"REDIRECTED\"") ? "REDIRECTED" : "OTHER";
			FlowParseResult read = reader.read(line, index++);
			if (verdict.equals("OTHER") || read.flows().isEmpty()) {
				continue;
			}
			Flow flow = read.flows().get(0).flow();
			if (!flow.reply()) {
				flows.add(flow);
			}
		}
		return flows;
	}

	@ParameterizedTest
	@MethodSource("files")
	void recommendationShouldBreakNothingThatGotThroughInEveryExport(String file) throws IOException {
		String ws = workspaceWith(file);
		for (boolean l7 : List.of(false, true)) {
			JsonNode answer = this.json.readTree(recommend(ws, "{\"flows\": {}, \"l7\": " + l7 + "}", 200));
			String yaml = answer.get("policies").asString();
			Scenario scenario = this.simulations.scenario(ws, StateChoice.draft(yaml)).block();
			List<String> denied = new ArrayList<>();
			for (Flow flow : gotThrough(file)) {
				Decision decision = scenario.compiled().decide(flow);
				if (!decision.allowed()) {
					denied.add(flow.source().podName() + " -> " + flow.destination().podName() + " "
							+ ((flow.icmpType() >= 0) ? flow.protocol() + " type " + flow.icmpType()
									: flow.destinationPort() + "/" + flow.protocol()));
				}
			}
			// what the draft denies of what got through is exactly what the report names, and the set expected
			TreeSet<String> named = new TreeSet<>();
			for (JsonNode group : answer.get("wouldDeny").get("groups")) {
				if (!group.get("verdict").asString().equals("DROPPED")) {
					named.add(group.get("source").asString() + " -> " + group.get("destination").asString() + " "
							+ group.get("port").asString());
				}
			}
			assertThat(answer.get("wouldDeny").get("gotThrough").asLong()).as(file + " l7=" + l7 + "\n" + yaml)
				.isEqualTo(denied.size());
			assertThat(String.join("\n", named)).as(file + " l7=" + l7 + "\n" + yaml)
				.isEqualTo(EXPECTED_DENIED.getOrDefault(file, ""));
			assertThat(yaml).doesNotContain("pod-template-hash").doesNotContain("controller-revision-hash")
				.doesNotContain("statefulset.kubernetes.io/pod-name");
		}
	}

	@Test
	void badInputShouldBeRefusedNamingTheFieldAndAnEmptyOrTooLargeWindowShouldSaySo() throws IOException {
		String ws = workspaceWith("basic-sample-5-http-flows.json");
		JsonNode empty = this.json.readTree(recommend(ws, "{\"flows\": {\"namespace\": \"nothing-here\"}}", 422));
		assertThat(empty.get("type").asString()).isEqualTo("/problems/empty-window");
		JsonNode unknown = this.json.readTree(recommend(ws, "{\"flows\": {}, \"l8\": true}", 400));
		assertThat(unknown.get("violations").get(0).get("path").asString()).isEqualTo("l8");
		JsonNode filter = this.json.readTree(recommend(ws, "{\"flows\": {\"verdict\": \"MAYBE\"}}", 400));
		assertThat(filter.get("type").asString()).isEqualTo("/problems/invalid-filter");
		assertThat(filter.get("violations").get(0).get("path").asString()).isEqualTo("flows.verdict");
		JsonNode perFlow = this.json.readTree(recommend(ws, "{\"flows\": {\"http_path\": \"/x\"}}", 400));
		assertThat(perFlow.get("detail").asString()).contains("read one by one");
		this.json.readTree(recommend(ws, "{\"flows\": [1]}", 400));
		this.json.readTree(recommend(ws, "{\"flows\": ", 400));
		recommend("no-such-workspace-x", "{}", 404);
		// the limit counts stored flows before grouping them; one more than the limit is refused with both numbers
		assertThatThrownBy(() -> this.tuples.group(ws, FlowFilter.ALL, 2).block())
			.isInstanceOfSatisfying(ApiProblem.class, (problem) -> {
				assertThat(problem.slug()).isEqualTo("window-too-large");
				assertThat(problem.getMessage()).contains("More than 2 flows");
			});
		assertThat(this.tuples.group(ws, FlowFilter.ALL, 3).block()).isNotEmpty();
	}

	@Test
	@SuppressWarnings("unchecked")
	void answersShouldMatchTheOpenApiDocument() throws IOException {
		String document = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		OpenApiSchemas schemas = new OpenApiSchemas(
				(Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(document));
		String ws = workspaceWith("basic-sample-348-http-flows.json");
		for (String body : List.of("{\"flows\": {}, \"l7\": true}", "{\"flows\": {\"q\": \"--namespace bookinfo\"}}")) {
			Object answer = this.json.readValue(recommend(ws, body, 200), Object.class);
			assertThat(schemas.errors(answer, schemas.ref("RecommendResponse"))).isEmpty();
		}
		Object problem = this.json.readValue(recommend(ws, "{\"flows\": {\"verdict\": \"MAYBE\"}}", 400), Object.class);
		assertThat(schemas.errors(problem, schemas.ref("Problem"))).isEmpty();
		assertThat(schemas.errors(Map.of("flows", Map.of("namespace", "a", "verdict", List.of("DROPPED")), "l7", true),
				schemas.ref("RecommendRequest"))).isEmpty();
	}

	@Test
	void recommendationShouldBeByteIdenticalWhenAskedTwice() throws IOException {
		String ws = workspaceWith("basic-sample-400-tcp-flows.json");
		byte[] first = recommend(ws, "{\"flows\": {}, \"l7\": true}", 200);
		byte[] second = recommend(ws, "{\"l7\": true, \"flows\": {}}", 200);
		assertThat(new String(second, StandardCharsets.UTF_8)).isEqualTo(new String(first, StandardCharsets.UTF_8));
	}

}
