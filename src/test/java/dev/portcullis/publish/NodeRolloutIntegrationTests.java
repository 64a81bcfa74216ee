package dev.portcullis.publish;

import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.flow.sources.TestHubble;
import dev.portcullis.identity.Role;
import dev.portcullis.publish.kubernetes.ApiServerDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Policy updated on N of M nodes" through the publication API: a publication applied to the Kubernetes stand-in,
 * then the nodes behind the workspace's Relay (real grpc-java servers) asked by the rollout worker, again and again
 * while one lags and one cannot be reached, until the window ends; a workspace without a Relay, and a Relay that is
 * down, say "unknown" with the reason, never a count.
 */
class NodeRolloutIntegrationTests extends IntegrationTest {

	@Autowired
	PublishWorker worker;

	@Autowired
	NodeRollouts rollouts;

	@Autowired
	DatabaseClient db;

	ApiServerDouble cluster;

	OpenApiSchemas schemas;

	String ws;

	@BeforeEach
	void workspace() throws Exception {
		this.cluster = new ApiServerDouble();
		this.ws = "nodes-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\n"
				+ "spec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - toPorts:\n    - ports:\n"
				+ "      - port: \"80\"\n        protocol: TCP\n";
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web", this.ws)
			.contentType(MediaType.parseMediaType("application/yaml")).bodyValue(yaml).exchange()
			.expectStatus().is2xxSuccessful();
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "prod", "type", "kubernetes", "server", this.cluster.url(), "auth",
					Map.of("type", "token", "token", ApiServerDouble.TOKEN)))
			.exchange().expectStatus().isCreated();
	}

	@AfterEach
	void stop() {
		this.cluster.close();
	}

	@Test
	void theCountClimbsAsALaggingNodeCatchesUpAndAnUnreachableNodeIsNamedWithWhy() throws Exception {
		int closed = closedPort();
		try (TestHubble relay = TestHubble.start(); TestHubble a = TestHubble.start(); TestHubble b = TestHubble.start()) {
			relay(relay.address());
			relay.nodes("{\"nodes\":[" + String.join(",", TestHubble.node("node-a", a.address(), "NODE_CONNECTED"),
					TestHubble.node("node-b", b.address(), "NODE_CONNECTED"),
					TestHubble.node("node-c", "127.0.0.1:" + closed, "NODE_CONNECTED")) + "]}");
			Instant before = Instant.now().minusSeconds(3600);
			// node-b only has an update of the same policy from before this publication
			b.agentEvents(List.of(TestHubble.policyEvent("node-b", before, false, "CiliumNetworkPolicy", "shop", "web")));
			long id = publish();
			Map<String, Object> record = record(id);
			assertThat(record.get("status")).isEqualTo("SUCCEEDED");
			assertThat(record).containsEntry("nodeRollout", null);

			a.agentEvents(List.of(TestHubble.policyEvent("node-a", Instant.now(), false, "CiliumNetworkPolicy", "shop",
					"web")));
			assertThat(this.rollouts.checkDue(workspaceId())).isEqualTo(1);
			Map<String, Object> nodes = nodes(id);
			assertThat(nodes).containsEntry("state", "COUNTED").containsEntry("updated", 1).containsEntry("total", 3)
				.containsEntry("summary", "Policy updated on 1 of 3 nodes").containsEntry("checking", true);
			assertThat(nodes.get("nodes").toString()).contains("node-b, updated=false, reason=no policy update yet for"
					+ " CiliumNetworkPolicy/shop/web").contains("node-c, updated=false, reason=its Hubble server at 127.0.0.1:"
							+ closed + " cannot be reached: UNAVAILABLE");
			assertThat(this.rollouts.checkDue(workspaceId())).as("the next check is not due yet").isZero();

			b.agentEvents(List.of(TestHubble.policyEvent("node-b", Instant.now(), false, "CiliumNetworkPolicy", "shop",
					"web")));
			due();
			assertThat(this.rollouts.checkDue(workspaceId())).isEqualTo(1);
			assertThat(nodes(id)).containsEntry("summary", "Policy updated on 2 of 3 nodes")
				.containsEntry("checking", true);

			// the window ends: the last reading stays, and nothing is asked again
			this.db.sql("UPDATE publication_node_rollout SET check_until = clock_timestamp() WHERE publication_id = :id")
				.bind("id", id).fetch().rowsUpdated().block();
			due();
			assertThat(this.rollouts.checkDue(workspaceId())).isEqualTo(1);
			assertThat(nodes(id)).containsEntry("updated", 2).containsEntry("checking", false);
			due();
			assertThat(this.rollouts.checkDue(workspaceId())).isZero();

			// a dry run is never followed
			long plan = publish(Map.of("dryRun", true));
			assertThat(this.rollouts.checkDue(workspaceId())).isZero();
			assertThat(record(plan)).containsEntry("nodeRollout", null);
		}
	}

	@Test
	void everyNodeUpdatedEndsTheChecksAndAnUnchangedPublicationHasNothingToRollOut() throws Exception {
		try (TestHubble relay = TestHubble.start(); TestHubble a = TestHubble.start()) {
			relay(relay.address());
			relay.nodes("{\"nodes\":[" + TestHubble.node("node-a", a.address(), "NODE_CONNECTED") + "]}");
			long id = publish();
			a.agentEvents(List.of(TestHubble.policyEvent("node-a", Instant.now(), false, "CiliumNetworkPolicy", "shop",
					"web")));
			this.rollouts.checkDue(workspaceId());
			assertThat(nodes(id)).containsEntry("summary", "Policy updated on 1 of 1 node")
				.containsEntry("checking", false);
			due();
			assertThat(this.rollouts.checkDue(workspaceId())).isZero();

			long again = publish();
			assertThat(this.rollouts.checkDue(workspaceId())).isEqualTo(1);
			assertThat(nodes(again)).containsEntry("state", "NOTHING_CHANGED").containsEntry("checking", false);
		}
	}

	@Test
	void withoutARelayOrWithARelayThatIsDownTheNodesAreUnknownWithTheReason() throws Exception {
		long id = publish();
		this.rollouts.checkDue(workspaceId());
		assertThat(nodes(id)).containsEntry("state", "UNKNOWN")
			.containsEntry("reason", "the workspace has no Hubble Relay flow source")
			.containsEntry("checking", true)
			.doesNotContainKey("updated");

		int closed = closedPort();
		relay("127.0.0.1:" + closed);
		due();
		this.rollouts.checkDue(workspaceId());
		assertThat((String) nodes(id).get("reason")).startsWith("the Relay at 127.0.0.1:" + closed
				+ " cannot be reached: UNAVAILABLE");
		assertThat(nodes(id).get("summary").toString()).startsWith("Nodes that have the policy: unknown (");
	}

	// --- helpers

	private void relay(String address) {
		as(Role.ADMIN).put().uri("/api/v1/workspaces/" + this.ws + "/flow-sources")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"relay\": {\"address\": \"" + address + "\"}}").exchange().expectStatus().isOk();
	}

	private long publish() {
		return publish(Map.of());
	}

	private long publish(Map<String, Object> body) {
		Map<?, ?> response = as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/publications", this.ws)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isAccepted()
			.expectBody(Map.class).returnResult().getResponseBody();
		this.worker.drain();
		return ((Number) response.get("id")).longValue();
	}

	/** Makes every check of this workspace due now, as the interval passing would. */
	private void due() {
		this.db.sql("UPDATE publication_node_rollout r SET next_check_at = clock_timestamp() FROM publication p"
				+ " WHERE p.id = r.publication_id AND p.workspace_id = :ws").bind("ws", workspaceId()).fetch()
			.rowsUpdated().block();
	}

	private long workspaceId() {
		return this.db.sql("SELECT id FROM workspace WHERE name = :name").bind("name", this.ws)
			.map((r) -> r.get("id", Long.class)).one().block();
	}

	/** The record, checked against the OpenAPI document's {@code Publication} (and so {@code NodeRollout}). */
	@SuppressWarnings("unchecked")
	private Map<String, Object> record(long id) {
		Map<String, Object> record = as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/publications/{id}", this.ws, id)
			.exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
		if (this.schemas == null) {
			String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
				.expectBody(String.class).returnResult().getResponseBody();
			this.schemas = new OpenApiSchemas((Map<String, Object>) new Load(LoadSettings.builder().build())
				.loadFromString(yaml));
		}
		assertThat(this.schemas.errors(record, this.schemas.ref("Publication"))).as("as documented").isEmpty();
		return record;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> nodes(long id) {
		Map<String, Object> nodes = (Map<String, Object>) record(id).get("nodeRollout");
		assertThat(nodes).as("nodeRollout of publication " + id).isNotNull();
		return nodes;
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
