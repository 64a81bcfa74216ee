package dev.portcullis.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.publish.kubernetes.ApiServerDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The periodic drift check against the server-side-apply double and real PostgreSQL: a due target is checked and
 * its drift shown on the workspace's summary without reading the target again; a target checked within the interval
 * is not checked again until the interval passed; two instances racing over the same targets check each one once.
 */
class DriftWorkerIntegrationTests extends IntegrationTest {

	@Autowired
	PublishWorker publisher;

	@Autowired
	Targets targets;

	@Autowired
	Drifts drifts;

	@Autowired
	PublishSettings defaults;

	@Autowired
	DatabaseClient db;

	final List<ApiServerDouble> clusters = new ArrayList<>();

	String ws;

	long wsId;

	@BeforeEach
	void workspace() {
		this.ws = "drift-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		this.wsId = this.targets.workspaceId(this.ws).block();
	}

	@AfterEach
	void stop() {
		this.clusters.forEach(ApiServerDouble::close);
	}

	@Test
	void aDueTargetIsCheckedInTheBackgroundAndItsDriftShownWithoutReadingTheTargetAgain() throws Exception {
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/web", this.ws)
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n  namespace: default\n"
					+ "spec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - {}\n")
			.exchange().expectStatus().is2xxSuccessful();
		ApiServerDouble cluster = target("prod");
		as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/publications", this.ws)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange().expectStatus().isAccepted();
		this.publisher.drain();
		assertThat(cluster.refs()).containsExactly("CiliumNetworkPolicy/default/web");
		cluster.edit("CiliumNetworkPolicy/default/web", "kubectl-edit",
				List.of("spec", "endpointSelector", "matchLabels", "app"), "web-v2");

		DriftWorker worker = worker("a", Duration.ofHours(1));
		assertThat(worker.checkDue(this.wsId)).isEqualTo(1);
		int requests = cluster.requests.size();
		as(Role.VIEWER).get().uri("/workspaces/{ws}/publishing/summary", this.ws).header("HX-Request", "true")
			.exchange().expectStatus().isOk()
			.expectBody(String.class).value((html) -> assertThat(html).contains("drift found just now: 1 object"));
		as(Role.VIEWER).get().uri("/workspaces/{ws}/targets/prod", this.ws).exchange().expectStatus().isOk()
			.expectBody(String.class).value((html) -> assertThat(html).contains("drift found just now: 1 object")
				.contains("kubectl-edit"));
		assertThat(cluster.requests).as("pages show the recorded check").hasSize(requests);

		assertThat(worker.checkDue(this.wsId)).as("checked within the interval").isZero();
		this.db.sql("UPDATE publish_target SET drift_checked_at = drift_checked_at - interval '2 hours'"
				+ " WHERE workspace_id = :ws").bind("ws", this.wsId).fetch().rowsUpdated().block();
		cluster.edit("CiliumNetworkPolicy/default/web", "kubectl-edit",
				List.of("spec", "endpointSelector", "matchLabels", "app"), "web");
		assertThat(worker.checkDue(this.wsId)).as("due again once the interval passed").isEqualTo(1);
		as(Role.VIEWER).get().uri("/workspaces/{ws}/publishing/summary", this.ws).header("HX-Request", "true")
			.exchange().expectStatus().isOk()
			.expectBody(String.class).value((html) -> assertThat(html).contains("in sync, checked just now"));
	}

	@Test
	void aTargetThatCannotBeReadIsRecordedAsAFailedCheckInWords() throws Exception {
		ApiServerDouble cluster = target("gone");
		cluster.close();
		assertThat(worker("a", Duration.ofHours(1)).checkDue(this.wsId)).isEqualTo(1);
		TargetRow row = this.targets.find(this.ws, "gone").block();
		assertThat(row.driftError()).contains("127.0.0.1").doesNotContain(ApiServerDouble.TOKEN);
		as(Role.VIEWER).get().uri("/workspaces/{ws}/publishing/summary", this.ws).header("HX-Request", "true")
			.exchange().expectStatus().isOk()
			.expectBody(String.class).value((html) -> assertThat(html).contains("drift check failed just now"));
	}

	@Test
	void twoInstancesRacingOverTheSameTargetsCheckEachOnce() throws Exception {
		List<ApiServerDouble> three = List.of(target("one"), target("two"), target("three"));
		DriftWorker a = worker("a", Duration.ofHours(1));
		DriftWorker b = worker("b", Duration.ofHours(1));
		CyclicBarrier start = new CyclicBarrier(2);
		CompletableFuture<Integer> byA = CompletableFuture.supplyAsync(() -> {
			await(start);
			return a.checkDue(this.wsId);
		});
		CompletableFuture<Integer> byB = CompletableFuture.supplyAsync(() -> {
			await(start);
			return b.checkDue(this.wsId);
		});
		assertThat(byA.get() + byB.get()).isEqualTo(3);
		List<Integer> perCluster = three.stream().map((c) -> c.requests.size()).toList();
		assertThat(perCluster).as("each cluster read by one check").containsOnly(perCluster.get(0));
		for (String name : List.of("one", "two", "three")) {
			TargetRow row = this.targets.find(this.ws, name).block();
			assertThat(row.driftCheckedAt()).isNotNull();
			assertThat(row.drift()).isEqualTo("[]");
		}
		Long claimed = this.db.sql("SELECT count(*) AS n FROM publish_target WHERE workspace_id = :ws"
				+ " AND drift_claimed_by IS NOT NULL").bind("ws", this.wsId).map((r) -> r.get("n", Long.class)).one()
			.block();
		assertThat(claimed).as("leases given back").isZero();
	}

	private ApiServerDouble target(String name) throws Exception {
		ApiServerDouble cluster = new ApiServerDouble();
		this.clusters.add(cluster);
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", name, "type", "kubernetes", "server", cluster.url(), "auth",
					Map.of("type", "token", "token", ApiServerDouble.TOKEN)))
			.exchange().expectStatus().isCreated();
		cluster.requests.clear();
		return cluster;
	}

	private DriftWorker worker(String owner, Duration interval) {
		PublishSettings settings = new PublishSettings(false, this.defaults.tick(), this.defaults.lease(),
				this.defaults.attempts(), this.defaults.backoffInitial(), this.defaults.backoffMax(),
				this.defaults.threads(), interval);
		return new DriftWorker(this.targets, this.drifts, settings, "test-" + owner);
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
