package dev.portcullis.publish;

import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.portcullis.BrowserTest;
import dev.portcullis.flow.sources.TestHubble;
import dev.portcullis.identity.Role;
import dev.portcullis.publish.kubernetes.ApiServerDouble;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Policy updated on N of M nodes" on a publication's page in Chromium: the count, the nodes that lack the policy
 * named with why, and the count climbing by itself (the page follows the checks) when a lagging node catches up;
 * at 1280 and 390 px.
 */
class NodeRolloutPageBrowserIntegrationTests extends BrowserTest {

	@Autowired
	PublishWorker worker;

	@Autowired
	NodeRollouts rollouts;

	@Autowired
	DatabaseClient db;

	@Test
	void aViewerSeesWhichNodesHaveThePolicyAndTheCountClimbWithoutReloading() throws Exception {
		String ws = "nodepage-" + UUID.randomUUID().toString().substring(0, 8);
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		try (ApiServerDouble cluster = new ApiServerDouble(); TestHubble relay = TestHubble.start();
				TestHubble a = TestHubble.start(); TestHubble b = TestHubble.start()) {
			as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
			as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/web", ws)
				.contentType(MediaType.parseMediaType("application/yaml"))
				.bodyValue("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n  namespace: default\n"
						+ "spec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - toPorts:\n    - ports:\n"
						+ "      - port: \"80\"\n        protocol: TCP\n")
				.exchange().expectStatus().is2xxSuccessful();
			as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", ws).contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", "prod", "type", "kubernetes", "server", cluster.url(), "auth",
						Map.of("type", "token", "token", ApiServerDouble.TOKEN)))
				.exchange().expectStatus().isCreated();
			as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"relay\": {\"address\": \"" + relay.address() + "\"}}").exchange().expectStatus().isOk();
			relay.nodes("{\"nodes\":[" + String.join(",", TestHubble.node("worker-a", a.address(), "NODE_CONNECTED"),
					TestHubble.node("worker-b", b.address(), "NODE_CONNECTED"),
					TestHubble.node("worker-c", "127.0.0.1:" + closed, "NODE_CONNECTED")) + "]}");
			b.agentEvents(List.of());
			Map<?, ?> queued = as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/publications", ws)
				.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange().expectStatus().isAccepted()
				.expectBody(Map.class).returnResult().getResponseBody();
			this.worker.drain();
			a.agentEvents(List.of(TestHubble.policyEvent("worker-a", Instant.now(), false, "CiliumNetworkPolicy",
					"default", "web")));
			long workspaceId = this.db.sql("SELECT id FROM workspace WHERE name = :name").bind("name", ws)
				.map((r) -> r.get("id", Long.class)).one().block();
			this.rollouts.checkDue(workspaceId);

			this.page.setViewportSize(1280, 900);
			signIn(Role.VIEWER);
			open("/workspaces/" + ws + "/publications/" + queued.get("id"));
			assertThat(this.page.locator("#publication-nodes-summary")).hasText("Policy updated on 1 of 3 nodes");
			assertThat(this.page.locator("#publication-nodes")).containsText("still checking");
			assertThat(this.page.locator("#publication-nodes li")).hasCount(2);
			assertThat(this.page.locator("#publication-nodes li").nth(0))
				.containsText("worker-b: no policy update yet for CiliumNetworkPolicy/default/web");
			assertThat(this.page.locator("#publication-nodes li").nth(1))
				.containsText("worker-c: its Hubble server at 127.0.0.1:" + closed + " cannot be reached");
			screenshot("node-rollout-1280");

			// worker-b catches up; the next check happens while the page is open and the page follows it
			b.agentEvents(List.of(TestHubble.policyEvent("worker-b", Instant.now(), false, "CiliumNetworkPolicy",
					"default", "web")));
			this.db.sql("UPDATE publication_node_rollout SET next_check_at = clock_timestamp() WHERE publication_id = :id")
				.bind("id", ((Number) queued.get("id")).longValue()).fetch().rowsUpdated().block();
			assertThat(this.rollouts.checkDue(workspaceId)).isEqualTo(1);
			assertThat(this.page.locator("#publication-nodes-summary")).hasText("Policy updated on 2 of 3 nodes",
					new LocatorAssertions.HasTextOptions().setTimeout(20000));
			assertThat(this.page.locator("#publication-nodes li")).hasCount(1);

			this.page.setViewportSize(390, 900);
			open("/workspaces/" + ws + "/publications/" + queued.get("id"));
			assertThat(this.page.locator("#publication-nodes-summary")).isVisible();
			assertThat(((Number) this.page.evaluate("document.documentElement.scrollWidth")).intValue())
				.as("nothing wider than the phone").isLessThanOrEqualTo(390);
			screenshot("node-rollout-390");
		}
	}

}
