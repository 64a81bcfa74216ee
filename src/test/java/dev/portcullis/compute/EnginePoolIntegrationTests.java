package dev.portcullis.compute;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Engine work runs on its own bounded pool: one thread and a queue of one here, so the tests can fill it exactly.
 * Work the tests put on the pool themselves holds a thread until they release it: the order of events comes from
 * latches, never from timing.
 */
@TestPropertySource(properties = { "portcullis.engine-pool.threads=1", "portcullis.engine-pool.queue-size=1",
		"portcullis.engine-pool.retry-after=3s" })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EnginePoolIntegrationTests extends IntegrationTest {

	@Autowired
	EnginePool pool;

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<Disposable> held = new java.util.ArrayList<>();

	@AfterEach
	void releaseThePool() {
		this.release.countDown();
		this.held.forEach(Disposable::dispose);
	}

	/** Puts a piece of work on the pool that holds its thread until the test ends; returns once it runs. */
	private void occupyTheThread() throws InterruptedException {
		CountDownLatch running = new CountDownLatch(1);
		this.held.add(this.pool.run(() -> {
			running.countDown();
			return this.release.await(2, TimeUnit.MINUTES);
		}).subscribe());
		running.await();
	}

	/** Puts a piece of work in the queue behind the running one. */
	private void fillTheQueue() {
		int before = this.pool.queued();
		this.held.add(this.pool.run(() -> true).subscribe());
		assertThat(this.pool.queued()).isEqualTo(before + 1);
	}

	/** A policy set with a long one-line comment, and one flow: work for the YAML reader. */
	private static Map<String, Object> largeEvaluation() {
		String policies = "# " + "x".repeat(2 * 1024 * 1024) + "\n" + """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: backend, namespace: default}
				spec:
				  endpointSelector: {matchLabels: {role: backend}}
				  ingress:
				  - fromEndpoints:
				    - matchLabels: {role: frontend}
				""";
		Map<String, Object> flow = Map.of("source", Map.of("namespace", "default", "labels", List.of("k8s:role=frontend")),
				"destination", Map.of("namespace", "default", "labels", List.of("k8s:role=backend")), "l4",
				Map.of("TCP", Map.of("destination_port", 80)));
		return Map.of("policies", policies, "flows", List.of(flow));
	}

	@Test
	void healthShouldAnswerWhileALargeEvaluationWaitsForTheBusyEnginePool() throws Exception {
		occupyTheThread();
		CompletableFuture<EntityExchangeResult<String>> evaluation = CompletableFuture.supplyAsync(() -> as(Role.VIEWER)
			.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON).bodyValue(largeEvaluation())
			.exchange().expectBody(String.class).returnResult());
		while (this.pool.queued() == 0 && !evaluation.isDone()) {
			Thread.onSpinWait(); // until the evaluation is parked in the pool's queue
		}
		assertThat(evaluation).isNotDone();

		anonymous().get().uri("/actuator/health").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");

		assertThat(evaluation).as("the evaluation cannot finish while the pool's only thread is held").isNotDone();
		this.release.countDown();
		EntityExchangeResult<String> result = evaluation.get(60, TimeUnit.SECONDS);
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseBody()).contains("\"verdict\":\"FORWARDED\"");
	}

	@Test
	void evaluateWhenThePoolAndItsQueueAreFullShouldAnswer429WithRetryAfter() throws Exception {
		occupyTheThread();
		fillTheQueue();

		as(Role.VIEWER).post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(largeEvaluation())
			.exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "3")
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/engine-busy")
			.jsonPath("$.status").isEqualTo(429);
	}

	@Test
	void savingAndImportingWhenThePoolIsFullShouldAnswer429OnTheApiAndSaySoOnThePage() throws Exception {
		String ws = "pool-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		String policy = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: web, namespace: shop}
				spec:
				  endpointSelector: {matchLabels: {app: web}}
				""";
		occupyTheThread();
		fillTheQueue();

		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web", ws)
			.contentType(MediaType.parseMediaType("application/yaml")).bodyValue(policy)
			.exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectBody().jsonPath("$.type").isEqualTo("/problems/engine-busy");
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/{ws}/import", ws)
			.contentType(MediaType.parseMediaType("application/yaml")).bodyValue(policy)
			.exchange()
			.expectStatus().isEqualTo(429)
			.expectBody().jsonPath("$.type").isEqualTo("/problems/engine-busy");
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("yaml", policy);
		form.add("message", "busy");
		String page = as(Role.AUTHOR).post().uri("/workspaces/{ws}/policies/new", ws).header("HX-Request", "true")
			.body(BodyInserters.fromFormData(form))
			.exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(page).startsWith("<form id=\"editor\"").contains("busy with other policy work", "app: web");
	}

}
