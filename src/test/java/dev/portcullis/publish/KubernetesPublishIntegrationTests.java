package dev.portcullis.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.WorkspaceStates;
import dev.portcullis.publish.kubernetes.ApiServerDouble;
import dev.portcullis.review.ChangeRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@code kubernetes} target end to end through the API, the outbox worker and the Kubernetes adapter, against the
 * server-side-apply double: saved only when the cluster serves Cilium, the token write-only; publish, change,
 * conflicts not forced unless asked, withdraw, drift with the owning manager.
 */
class KubernetesPublishIntegrationTests extends IntegrationTest {

	@Autowired
	PublishWorker worker;

	@Autowired
	LiveProposals proposals;

	@Autowired
	DatabaseClient db;

	@Autowired
	Publications publications;

	@Autowired
	Targets targets;

	@Autowired
	WorkspaceStates states;

	@Autowired
	Adapters adapters;

	ApiServerDouble cluster;

	String ws;

	@BeforeEach
	void workspace() throws Exception {
		this.cluster = new ApiServerDouble();
		this.ws = "k8s-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		policy("default", "web", "80");
		policy("default", "db", "5432");
	}

	@AfterEach
	void stop() {
		this.cluster.close();
	}

	@Test
	void aReviewerPublishesToAClusterAndAViewerSeesDriftWithItsManager() {
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "prod", "type", "kubernetes", "server", this.cluster.url(), "auth",
					Map.of("type", "token", "token", ApiServerDouble.TOKEN)))
			.exchange().expectStatus().isCreated()
			.expectBody(String.class).value((body) -> assertThat(body).doesNotContain(ApiServerDouble.TOKEN));

		long first = publish(Map.of());
		this.worker.drain();
		Map<String, Object> record = record(first);
		assertThat(record.get("status")).isEqualTo("SUCCEEDED");
		assertThat(values(record, "plan", "action")).containsExactly("CREATE", "CREATE");
		assertThat(values(record, "results", "outcome")).containsExactly("CREATED", "CREATED");
		assertThat(this.cluster.refs()).containsExactly("CiliumNetworkPolicy/default/db", "CiliumNetworkPolicy/default/web");
		assertThat(ApiServerDouble.at(this.cluster.get("CiliumNetworkPolicy/default/web"), List.of("metadata", "labels")))
			.isEqualTo(Map.of("app.kubernetes.io/managed-by", "portcullis", "portcullis.dev/workspace", this.ws));

		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/targets/prod/drift", this.ws).exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.inSync").isEqualTo(true);
		this.cluster.edit("CiliumNetworkPolicy/default/web", "kubectl-edit",
				List.of("spec", "endpointSelector", "matchLabels", "app"), "web-v2");
		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/targets/prod/drift", this.ws).exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.inSync").isEqualTo(false)
			.jsonPath("$.drift.length()").isEqualTo(1)
			.jsonPath("$.drift[0].name").isEqualTo("web")
			.jsonPath("$.drift[0].field").isEqualTo("spec.endpointSelector.matchLabels.app")
			.jsonPath("$.drift[0].published").isEqualTo("web")
			.jsonPath("$.drift[0].live").isEqualTo("web-v2")
			.jsonPath("$.drift[0].manager").isEqualTo("kubectl-edit");

		long refused = publish(Map.of());
		this.worker.drain();
		Map<String, Object> conflict = record(refused);
		assertThat(conflict.get("status")).as("db unchanged, web refused").isEqualTo("PARTIAL");
		assertThat(conflict.toString()).contains("spec.endpointSelector.matchLabels.app owned by kubectl-edit");
		long forced = publish(Map.of("forceConflicts", true));
		this.worker.drain();
		assertThat(record(forced).get("status")).isEqualTo("SUCCEEDED");
		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/targets/prod/drift", this.ws).exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.inSync").isEqualTo(true);

		String etag = as(Role.AUTHOR).get().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/db",
				this.ws).exchange().returnResult(String.class).getResponseHeaders().getETag();
		as(Role.AUTHOR).delete().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/db", this.ws)
			.header("If-Match", etag).exchange().expectStatus().is2xxSuccessful();
		long withdraw = publish(Map.of());
		this.worker.drain();
		assertThat(values(record(withdraw), "results", "outcome")).containsExactly("UNCHANGED", "DELETED");
		assertThat(this.cluster.refs()).containsExactly("CiliumNetworkPolicy/default/web");
	}

	@Test
	void aClusterWithoutCiliumOrWithAWrongTokenIsRefusedInWords() {
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "prod", "type", "kubernetes", "server", this.cluster.url(), "auth",
					Map.of("type", "token", "token", "wrong-token-5f6e7d")))
			.exchange().expectStatus().is4xxClientError()
			.expectBody(String.class).value((body) -> assertThat(body).contains("refused the credentials")
				.doesNotContain("wrong-token-5f6e7d"));
		this.cluster.ciliumServed = false;
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "prod", "type", "kubernetes", "server", this.cluster.url(), "auth",
					Map.of("type", "token", "token", ApiServerDouble.TOKEN)))
			.exchange().expectStatus().is4xxClientError()
			.expectBody(String.class).value((body) -> assertThat(body).contains("does not serve the Cilium CRDs"));
		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/targets", this.ws).exchange().expectStatus().isOk()
			.expectBody(String.class).value((body) -> assertThat(body).doesNotContain("\"prod\""));
	}

	@Test
	void anAuthorProposesTheLiveStateAsAChangeRequestWithOnlyThePoliciesThatDiffer() {
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "prod", "type", "kubernetes", "server", this.cluster.url(), "auth",
					Map.of("type", "token", "token", ApiServerDouble.TOKEN)))
			.exchange().expectStatus().isCreated();
		publish(Map.of());
		this.worker.drain();
		Actor author = new Actor("live-author", Actor.Kind.USER, Role.AUTHOR, null, null);
		assertThatThrownBy(() -> this.proposals.propose(this.ws, "prod", author).block())
			.isInstanceOf(PublishRefused.class).hasMessageContaining("nothing to propose");
		assertThatThrownBy(() -> this.proposals
			.propose(this.ws, "prod", new Actor("live-viewer", Actor.Kind.USER, Role.VIEWER, null, null)).block())
			.isInstanceOf(PublishRefused.class).hasMessageContaining("Authors propose changes");

		this.cluster.edit("CiliumNetworkPolicy/default/web", "kubectl-edit",
				List.of("spec", "endpointSelector", "matchLabels", "app"), "web-v2");
		ChangeRequest change = this.proposals.propose(this.ws, "prod", author).block();
		assertThat(change.title()).isEqualTo("Accept the live state of target prod");
		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, change.id()).exchange()
			.expectStatus().isOk().expectBody()
			.jsonPath("$.author").isEqualTo("live-author")
			.jsonPath("$.deletes.length()").isEqualTo(0)
			.jsonPath("$.changes").value((String changes) -> assertThat(changes).contains("name: web")
				.contains("app: web-v2").doesNotContain("name: db").doesNotContain("managed-by")
				.doesNotContain("managedFields").doesNotContain("resourceVersion"));
		assertThat(this.db.sql("SELECT details->>'changeRequest' AS id FROM audit_event WHERE workspace = :ws"
				+ " AND action = 'target.live-proposed'").bind("ws", this.ws).map((r) -> r.get("id", String.class)).all()
			.collectList().block()).containsExactly(String.valueOf(change.id()));
	}

	@Test
	void aPipelineProposesTheLiveStateThroughTheApi() {
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "prod", "type", "kubernetes", "server", this.cluster.url(), "auth",
					Map.of("type", "token", "token", ApiServerDouble.TOKEN)))
			.exchange().expectStatus().isCreated();
		publish(Map.of());
		this.worker.drain();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/{ws}/targets/prod/propose-live", this.ws).exchange()
			.expectStatus().isEqualTo(409)
			.expectBody().jsonPath("$.type").isEqualTo("/problems/publish-conflict")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).contains("nothing to propose"));
		this.cluster.edit("CiliumNetworkPolicy/default/web", "kubectl-edit",
				List.of("spec", "endpointSelector", "matchLabels", "app"), "web-v2");
		as(Role.VIEWER).post().uri("/api/v1/workspaces/{ws}/targets/prod/propose-live", this.ws).exchange()
			.expectStatus().isForbidden();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/{ws}/targets/nope/propose-live", this.ws).exchange()
			.expectStatus().isNotFound();
		var created = as(Role.AUTHOR).post().uri("/api/v1/workspaces/{ws}/targets/prod/propose-live", this.ws)
			.exchange().expectStatus().isCreated()
			.expectBody(Map.class).returnResult();
		Number id = (Number) created.getResponseBody().get("id");
		String href = "/api/v1/workspaces/" + this.ws + "/change-requests/" + id;
		assertThat(created.getResponseHeaders().getLocation()).hasToString(href);
		assertThat(created.getResponseBody()).containsEntry("href", href).containsEntry("status", "OPEN")
			.containsEntry("title", "Accept the live state of target prod");
		as(Role.VIEWER).get().uri(href).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.author").isEqualTo(username(Role.AUTHOR))
			.jsonPath("$.changes").value((String changes) -> assertThat(changes).contains("app: web-v2")
				.doesNotContain("name: db"));
	}

	@Test
	void anInstanceThatStallsBetweenTwoObjectsShouldNotApplyTheSecondOnceAnotherInstanceTookOver() throws Exception {
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "prod", "type", "kubernetes", "server", this.cluster.url(), "auth",
					Map.of("type", "token", "token", ApiServerDouble.TOKEN)))
			.exchange().expectStatus().isCreated();
		long id = publish(Map.of());
		// instance A applies db, then stalls before web and renews nothing meanwhile
		PublishSettings settings = new PublishSettings(false, Duration.ofMillis(100), Duration.ofSeconds(3), 5,
				Duration.ofMillis(200), Duration.ofSeconds(2), 1, Duration.ZERO);
		PublishWorker stalled = new PublishWorker(this.publications, this.targets, this.states, this.adapters,
				settings, "test-stalled");
		CountDownLatch beforeWeb = new CountDownLatch(1);
		CountDownLatch resume = new CountDownLatch(1);
		AtomicInteger checks = new AtomicInteger();
		stalled.fences = (fence) -> (effect) -> {
			if (checks.incrementAndGet() == 2) {
				beforeWeb.countDown();
				try {
					resume.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			fence.check(effect);
		};
		// a claim run without renewals: the instance is stalled, not dead
		Thread a = new Thread(() -> stalled.run(this.publications.claim("test-stalled", Duration.ofSeconds(3)).block()));
		a.start();
		assertThat(beforeWeb.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(this.cluster.refs()).containsExactly("CiliumNetworkPolicy/default/db");

		Thread.sleep(3500);
		new PublishWorker(this.publications, this.targets, this.states, this.adapters, settings, "test-takeover")
			.drain();
		assertThat(record(id).get("status")).isEqualTo("SUCCEEDED");
		resume.countDown();
		a.join(60_000);

		Map<String, Object> record = record(id);
		assertThat(record.get("status")).isEqualTo("SUCCEEDED");
		assertThat(values(record, "results", "outcome")).containsExactly("UNCHANGED", "CREATED");
		assertThat(record.get("notes").toString()).contains("test-stalled")
			.contains("stopped before applying CiliumNetworkPolicy/default/web: its lease had lapsed");
		// web was applied once (by the instance that took over), never by the stalled one
		assertThat(applies("web")).isEqualTo(1);
		assertThat(applies("db")).isEqualTo(1);
		assertThat(this.cluster.refs()).containsExactly("CiliumNetworkPolicy/default/db",
				"CiliumNetworkPolicy/default/web");
	}

	/** Server-side applies (not dry runs) of the policy {@code name} the cluster received. */
	private long applies(String name) {
		return this.cluster.requests.stream()
			.filter((r) -> r.startsWith("PATCH ") && r.contains("/ciliumnetworkpolicies/" + name + "?")
					&& !r.contains("dryRun"))
			.count();
	}

	// --- helpers

	private void policy(String namespace, String name, String port) {
		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: " + name
				+ "\n  namespace: " + namespace + "\nspec:\n  endpointSelector:\n    matchLabels:\n      app: " + name
				+ "\n  ingress:\n  - toPorts:\n    - ports:\n      - port: \"" + port + "\"\n        protocol: TCP\n";
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/{ns}/{name}", this.ws,
				namespace, name).contentType(MediaType.parseMediaType("application/yaml")).bodyValue(yaml).exchange()
			.expectStatus().is2xxSuccessful();
	}

	private long publish(Map<String, Object> body) {
		Map<?, ?> response = as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/publications", this.ws)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isAccepted()
			.expectBody(Map.class).returnResult().getResponseBody();
		return ((Number) response.get("id")).longValue();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> record(long id) {
		return as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/publications/{id}", this.ws, id).exchange()
			.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static List<String> values(Map<String, Object> record, String list, String key) {
		List<String> out = new ArrayList<>();
		for (Map<String, Object> item : (List<Map<String, Object>>) record.get(list)) {
			out.add((String) item.get(key));
		}
		return out;
	}

}
