package dev.portcullis.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.publish.git.TestRepositories;
import dev.portcullis.replay.ReplayFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay's default baseline is what is published (docs/adr/037): the state of the workspace's most recent successful,
 * non-dry-run publication, published for real to a Git repository on disk by the outbox worker; the latest versions
 * while nothing was ever published. The corpus's Hubble exports are the flows.
 */
class PublishedBaselineIntegrationTests extends IntegrationTest {

	@Autowired
	PublishWorker worker;

	@Autowired
	JsonMapper json;

	@TempDir
	Path dir;

	String ws;

	@BeforeEach
	void workspaceWithFlowsAndATarget() throws IOException {
		this.ws = "pubreplay-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(ReplayFixtures.corpus()).exchange()
			.expectStatus().isOk();
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "gitops", "type", "git", "url", bare.toUri().toString(), "branch", "main"))
			.exchange().expectStatus().isCreated();
	}

	@Test
	void replayWithoutABaselineShouldUseTheLatestVersionsWhileNothingIsPublished() {
		JsonNode report = replay(Map.of("candidate", Map.of("draft", ReplayFixtures.DENY_DETAILS)), 200);
		assertThat(report.at("/sources/baseline/kind").asString()).isEqualTo("latest");
		assertThat(report.at("/sources/baseline/description").asString())
			.isEqualTo("latest versions (nothing published yet)");
		assertThat(report.at("/changed/newlyDropped").asLong()).isPositive();
	}

	@Test
	void replayWithoutABaselineShouldCompareWithWhatWasLastPublishedNotWithUnpublishedVersionsOrDryRuns() {
		save("default", "web", """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: web, namespace: default}
				spec:
				  endpointSelector: {matchLabels: {app: web}}
				  ingress:
				  - toPorts: [{ports: [{port: "80", protocol: TCP}]}]
				""");
		long published = publish(Map.of());
		this.worker.drain();
		JsonNode record = as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/publications/{id}", this.ws, published)
			.exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
		assertThat(record.get("status").asString()).isEqualTo("SUCCEEDED");
		String stateAt = record.get("stateAt").asString();

		// saved after the publication, and only dry-run published since: the baseline must not include it
		save("bookinfo", "lock-details", ReplayFixtures.DENY_DETAILS);
		publish(Map.of("dryRun", true));
		this.worker.drain();

		JsonNode byDefault = replay(Map.of(), 200);
		assertThat(byDefault.at("/sources/baseline/kind").asString()).isEqualTo("published");
		assertThat(byDefault.at("/sources/baseline/description").asString())
			.isEqualTo("published state of " + stateAt + " (target gitops)");
		assertThat(byDefault.at("/baseline/at").asString()).isEqualTo(stateAt);
		assertThat(byDefault.at("/sources/candidate/kind").asString()).isEqualTo("latest");
		assertThat(byDefault.at("/changed/newlyDropped").asLong()).isPositive();

		JsonNode atTheMoment = replay(Map.of("baseline", Map.of("at", stateAt)), 200);
		assertThat(byDefault.get("changed")).isEqualTo(atTheMoment.get("changed"));
		assertThat(byDefault.get("groups")).isEqualTo(atTheMoment.get("groups"));
		assertThat(replay(Map.of("baseline", Map.of()), 200).get("changed")).isEqualTo(byDefault.get("changed"));
		assertThat(replay(Map.of("baseline", Map.of("published", "gitops")), 200).get("changed"))
			.isEqualTo(byDefault.get("changed"));

		JsonNode latest = replay(Map.of("baseline", Map.of("latest", true)), 200);
		assertThat(latest.at("/changed/newlyDropped").asLong()).isZero();
		assertThat(latest.at("/sources/baseline/description").asString()).isEqualTo("latest versions");

		JsonNode unknown = replay(Map.of("baseline", Map.of("published", "no-such-target")), 422);
		assertThat(unknown.get("type").asString()).endsWith("/problems/nothing-published");
		JsonNode both = replay(Map.of("baseline", Map.of("published", true, "at", stateAt)), 400);
		assertThat(both.toString()).contains("baseline.published");
	}

	private JsonNode replay(Map<String, Object> body, int status) {
		byte[] bytes = as(Role.VIEWER).post().uri("/api/v1/workspaces/{ws}/replay", this.ws)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isEqualTo(status)
			.expectBody().returnResult().getResponseBody();
		return this.json.readTree(bytes);
	}

	private long publish(Map<String, Object> body) {
		JsonNode response = as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/publications", this.ws)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isAccepted()
			.expectBody(JsonNode.class).returnResult().getResponseBody();
		return response.get("id").asLong();
	}

	private void save(String namespace, String name, String yaml) {
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/{ns}/{name}", this.ws,
				namespace, name).contentType(MediaType.parseMediaType("application/yaml")).bodyValue(yaml).exchange()
			.expectStatus().is2xxSuccessful();
	}

}
