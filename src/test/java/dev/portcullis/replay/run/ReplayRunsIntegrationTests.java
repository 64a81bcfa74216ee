package dev.portcullis.replay.run;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.identity.Role;
import dev.portcullis.replay.ReplayFixtures;
import dev.portcullis.replay.ReplayProgress;
import dev.portcullis.replay.ReplayReport;
import dev.portcullis.replay.ReplayRequest;
import dev.portcullis.replay.ReplayState;
import dev.portcullis.replay.Replays;
import dev.portcullis.simulation.StateChoice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay runs as rows (docs/adr/037): a run queued by one instance is run by another, a run whose instance stopped
 * is taken over and finishes, its report is the synchronous API's answer byte for byte, cancellation (from the page
 * too), whose runs a user sees, and the retention. The application's own worker is stopped in each test, so that the
 * workers the test makes ("other instances") are the only ones claiming.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayRunsIntegrationTests extends IntegrationTest {

	@Autowired
	ReplayRuns runs;

	@Autowired
	Replays replays;

	@Autowired
	ReplayWorker appWorker;

	@Autowired
	ReplayRunSettings settings;

	@Autowired
	JsonMapper json;

	@Autowired
	DatabaseClient db;

	String ws;

	final ReplayRequest denyDetails = new ReplayRequest(FlowFilter.ALL, ReplayState.LATEST,
			ReplayState.of(StateChoice.draft(ReplayFixtures.DENY_DETAILS)));

	@BeforeAll
	void uploadTheCorpus() throws IOException {
		this.ws = "runs-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(ReplayFixtures.corpus())
			.exchange().expectStatus().isOk();
	}

	@BeforeEach
	void stopTheAppWorkerAndEndRunsLeftByOtherTests() {
		this.appWorker.stop();
		this.db.sql("UPDATE replay_run SET status = 'CANCELLED', finished_at = clock_timestamp(), claimed_by = NULL,"
				+ " claimed_until = NULL WHERE status IN ('PENDING', 'RUNNING')").fetch().rowsUpdated().block();
	}

	@AfterEach
	void startTheAppWorker() {
		this.appWorker.start();
	}

	@SuppressWarnings("unchecked")
	void conforms(JsonNode body, String schema) {
		String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		OpenApiSchemas schemas = new OpenApiSchemas(
				(Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml));
		Object value = this.json.treeToValue(body, Object.class);
		assertThat(schemas.errors(value, schemas.ref(schema))).as(body.toString()).isEmpty();
	}

	ReplayWorker instance(String owner) {
		return new ReplayWorker(this.runs, this.replays, this.settings, this.json, owner);
	}

	ReplayRun start(String user) {
		Replays.Prepared prepared = this.replays.prepare(this.ws, this.denyDetails).block();
		return this.runs.start(user, prepared, null).block();
	}

	ReplayRun row(UUID id) {
		return this.runs.byId(id).block();
	}

	@Test
	void aPendingRunShouldBeRunByAnotherInstanceAndKeepTheApisAnswerByteForByte() {
		ReplayRun queued = start("alice");
		assertThat(queued.status()).isEqualTo("PENDING");

		assertThat(instance("instance-b").drain()).isEqualTo(1);

		ReplayRun ended = row(queued.id());
		assertThat(ended.status()).isEqualTo("SUCCEEDED");
		assertThat(ended.step()).isEqualTo(ReplayProgress.Step.DONE);
		assertThat(ended.decided()).isEqualTo(ended.tuples()).isPositive();
		byte[] api = as(Role.VIEWER).post().uri("/api/v1/workspaces/" + this.ws + "/replay")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("baseline", Map.of("latest", true), "candidate",
					Map.of("draft", ReplayFixtures.DENY_DETAILS)))
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
		assertThat(ended.report()).isEqualTo(new String(api, java.nio.charset.StandardCharsets.UTF_8));
		ReplayReport report = this.runs.report(ended);
		assertThat(report.changed().newlyDropped()).isPositive();
		assertThat(report.groups().get(0).sample().flow()).startsWith("{");
	}

	@Test
	void aRunWhoseInstanceStoppedShouldBeTakenOverAndFinishOnce() {
		ReplayRun queued = start("alice");
		ReplayRun claimed = this.runs.claim("instance-dead", Duration.ofSeconds(30)).block();
		assertThat(claimed.id()).isEqualTo(queued.id());
		// a live lease is nobody else's
		assertThat(instance("instance-b").drain()).isZero();
		this.db.sql("UPDATE replay_run SET claimed_until = clock_timestamp() - interval '1 second' WHERE id = :id")
			.bind("id", queued.id()).fetch().rowsUpdated().block();

		assertThat(instance("instance-b").drain()).isEqualTo(1);

		ReplayRun ended = row(queued.id());
		assertThat(ended.status()).isEqualTo("SUCCEEDED");
		assertThat(ended.attempts()).isEqualTo(2);
		assertThat(this.runs.report(ended).changed().newlyDropped()).isPositive();
		// the stopped instance, back, cannot overwrite what the other one finished
		assertThat(this.runs.finish(queued.id(), "instance-dead", "FAILED", new ReplayProgress(), null, "late",
				"internal").block()).isFalse();
		assertThat(row(queued.id()).status()).isEqualTo("SUCCEEDED");
	}

	@Test
	void aRunGivenBackAtShutdownShouldBeRunByAnotherInstanceAndOneThatKeepsStoppingInstancesShouldFail() {
		ReplayRun given = start("alice");
		assertThat(this.runs.claim("instance-stopping", Duration.ofSeconds(30)).block().id()).isEqualTo(given.id());
		assertThat(this.runs.release("instance-stopping", null).block()).isEqualTo(1);
		assertThat(row(given.id()).status()).isEqualTo("PENDING");
		assertThat(instance("instance-b").drain()).isEqualTo(1);
		assertThat(row(given.id()).status()).isEqualTo("SUCCEEDED");

		ReplayRun doomed = start("alice");
		this.db.sql("UPDATE replay_run SET status = 'RUNNING', attempts = :attempts, claimed_by = 'instance-dead',"
				+ " claimed_until = clock_timestamp() - interval '1 second' WHERE id = :id")
			.bind("attempts", this.settings.attempts()).bind("id", doomed.id()).fetch().rowsUpdated().block();
		assertThat(instance("instance-b").drain()).isEqualTo(1);
		ReplayRun failed = row(doomed.id());
		assertThat(failed.status()).isEqualTo("FAILED");
		assertThat(failed.errorType()).isEqualTo("interrupted");
		assertThat(failed.error()).contains("interrupted " + this.settings.attempts() + " times");
	}

	@Test
	void aRunShouldBeSeenAndCancelledOnlyByItsUser() {
		ReplayRun queued = start("alice");
		assertThat(this.runs.find(this.ws, "alice", queued.id()).block()).isNotNull();
		assertThat(this.runs.find(this.ws, "bob", queued.id()).block()).isNull();
		assertThat(this.runs.find("other-workspace", "alice", queued.id()).block()).isNull();
		assertThat(this.runs.cancel(this.ws, "bob", queued.id()).block()).isNull();
		assertThat(row(queued.id()).status()).isEqualTo("PENDING");

		assertThat(this.runs.cancel(this.ws, "alice", queued.id()).block().status()).isEqualTo("CANCELLED");
		assertThat(instance("instance-b").drain()).isZero();
	}

	@Test
	void aRunCancelledWhileRunningShouldStopAndEndCancelled() {
		ReplayRun queued = start("alice");
		ReplayRun claimed = this.runs.claim("instance-b", Duration.ofSeconds(30)).block();
		assertThat(claimed.id()).isEqualTo(queued.id());
		assertThat(this.runs.cancel(this.ws, "alice", queued.id()).block().status()).isEqualTo("RUNNING");

		// the worker started before the cancel arrived; it reads it back with its first progress write
		instance("instance-b").run(claimed);

		ReplayRun ended = row(queued.id());
		assertThat(ended.status()).isEqualTo("CANCELLED");
		assertThat(ended.report()).isNull();
	}

	@Test
	void aReplayWhoseProgressIsCancelledShouldStopBeforeItsNextStep() {
		Replays.Prepared prepared = this.replays.prepare(this.ws, this.denyDetails).block();
		ReplayProgress progress = new ReplayProgress();
		progress.cancel();
		StepVerifier.create(this.replays.run(prepared, progress)).expectError(ReplayProgress.Cancelled.class)
			.verify(Duration.ofSeconds(30));
		assertThat(progress.decided()).isZero();
	}

	@Test
	void endedRunsShouldBeDeletedAfterTheRetentionAndOthersKept() {
		ReplayRun old = start("alice");
		ReplayRun recent = start("alice");
		this.runs.cancel(this.ws, "alice", old.id()).block();
		this.runs.cancel(this.ws, "alice", recent.id()).block();
		ReplayRun waiting = start("alice");
		this.db.sql("UPDATE replay_run SET finished_at = clock_timestamp() - interval '2 days' WHERE id = :id")
			.bind("id", old.id()).fetch().rowsUpdated().block();

		assertThat(this.runs.purge(Duration.ofDays(1)).block()).isGreaterThanOrEqualTo(1);

		assertThat(row(old.id())).isNull();
		assertThat(row(recent.id())).isNotNull();
		assertThat(row(waiting.id()).status()).isEqualTo("PENDING");
		this.runs.cancel(this.ws, "alice", waiting.id()).block();
	}

	@Test
	void thePageShouldQueueARunAndItsCancelButtonShouldEndIt() {
		Session session = session(Role.VIEWER);
		String html = session.client().post().uri("/workspaces/" + this.ws + "/replay").header("HX-Request", "true")
			.body(BodyInserters.fromFormData("q", "").with("baseline", "latest").with("run", "1"))
			.exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("id=\"replay-run\"", "id=\"replay-cancel\"");
		int at = html.indexOf("/replay/runs/") + "/replay/runs/".length();
		UUID id = UUID.fromString(html.substring(at, at + 36));
		assertThat(row(id).requestedBy()).isEqualTo(username(Role.VIEWER));
		assertThat(this.json.readTree(row(id).pageForm()).get("baseline").asString()).isEqualTo("latest");

		String cancelled = session.client().post().uri("/workspaces/" + this.ws + "/replay/runs/" + id + "/cancel")
			.header("HX-Request", "true").exchange().expectStatus().isOk()
			.expectHeader().valueEquals("HX-Retarget", "#replay")
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(cancelled).contains("This replay was cancelled.", "id=\"replay-form\"", "value=\"latest\"");
		assertThat(row(id).status()).isEqualTo("CANCELLED");
		// without htmx the Cancel button's form sends the browser to the run's page, which says how it ended
		String runPage = "/workspaces/" + this.ws + "/replay/runs/" + id;
		session.client().post().uri(runPage + "/cancel").exchange().expectStatus().is3xxRedirection()
			.expectHeader().location(runPage);
		assertThat(session.client().get().uri(runPage).exchange().expectStatus().isOk().expectBody(String.class)
			.returnResult().getResponseBody()).contains("<html", "This replay was cancelled.", "id=\"replay-form\"");

		// another user's poll finds nothing
		Session other = session(Role.AUTHOR);
		assertThat(other.client().get().uri("/workspaces/" + this.ws + "/replay/runs/" + id)
			.header("HX-Request", "true").exchange().expectStatus().isOk().expectBody(String.class).returnResult()
			.getResponseBody()).contains("no longer here").doesNotContain("cancelled");
	}


	@Test
	void aPipelineShouldStartARunPollItAndGetTheSynchronousAnswerByteForByte() {
		Map<String, Object> body = Map.of("baseline", Map.of("latest", true), "candidate",
				Map.of("draft", ReplayFixtures.DENY_DETAILS));
		var started = as(Role.VIEWER).post().uri("/api/v1/workspaces/" + this.ws + "/replay/runs")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isAccepted()
			.expectBody(String.class).returnResult();
		String location = started.getResponseHeaders().getLocation().toString();
		assertThat(this.json.readTree(started.getResponseBody()).get("status").asString()).isEqualTo("PENDING");
		assertThat(location).startsWith("/api/v1/workspaces/" + this.ws + "/replay/runs/");
		// another user's run is not there for them
		as(Role.AUTHOR).get().uri(location).exchange().expectStatus().isNotFound();

		assertThat(instance("instance-b").drain()).isEqualTo(1);

		String run = as(Role.VIEWER).get().uri(location).exchange().expectStatus().isOk().expectBody(String.class)
			.returnResult().getResponseBody();
		String api = as(Role.VIEWER).post().uri("/api/v1/workspaces/" + this.ws + "/replay")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(run).contains("\"status\":\"SUCCEEDED\"", "\"report\":" + api);
		assertThat(this.json.readTree(run).get("progress").get("step").asString()).isEqualTo("DONE");
		conforms(this.json.readTree(run), "ReplayRun");
		conforms(this.json.readTree(started.getResponseBody()), "ReplayRun");

		// a bad draft is refused before any run is queued, as the synchronous replay refuses it
		as(Role.VIEWER).post().uri("/api/v1/workspaces/" + this.ws + "/replay/runs")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("candidate", Map.of("draft", "kind: [")))
			.exchange().expectStatus().isBadRequest();
		as(Role.VIEWER).post().uri(location + "/cancel").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.status").isEqualTo("SUCCEEDED");
		as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/replay/runs/not-a-run").exchange()
			.expectStatus().isNotFound();
	}

}
