package dev.portcullis.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/** Administrators browse and filter the audit log: {@code GET /api/v1/audit} and {@code /admin/audit}. */
class AuditBrowsingIntegrationTests extends IntegrationTest {

	@Autowired
	AuditLog auditLog;

	String workspace;

	String actor;

	Instant start;

	@BeforeEach
	void recordEvents() throws InterruptedException {
		this.workspace = "ws-" + UUID.randomUUID().toString().substring(0, 8);
		this.actor = "auditor-" + UUID.randomUUID().toString().substring(0, 8);
		this.start = Instant.now().minusSeconds(1);
		Actor who = new Actor(this.actor, Actor.Kind.USER, Role.AUTHOR, null, null);
		record(who, "policy.save", AuditLog.Outcome.SUCCESS, "CiliumNetworkPolicy/default/web", Map.of("version", 1));
		record(who, "policy.save", AuditLog.Outcome.SUCCESS, "CiliumNetworkPolicy/default/api", Map.of("version", 2));
		record(who, "policy.delete", AuditLog.Outcome.SUCCESS, "NetworkPolicy/kube-system/dns", Map.of());
		record(who, "bundle.import", AuditLog.Outcome.FAILURE, "bundle", Map.of("reason", "needle in the details"));
		record(Actor.ANONYMOUS, "auth.denied", AuditLog.Outcome.DENIED, "POST /x", Map.of());
	}

	private void record(Actor who, String action, AuditLog.Outcome outcome, String target, Map<String, Object> details) {
		this.auditLog.record(new AuditLog.Event(who, action, outcome, target, this.workspace, "10.9.8.7", details))
			.block();
	}

	@Test
	void filtersShouldCombineAndKeysetPagesShouldWalkOlderEntries() {
		assertThat(targets("workspace=" + this.workspace)).containsExactly("POST /x", "bundle",
				"NetworkPolicy/kube-system/dns", "CiliumNetworkPolicy/default/api", "CiliumNetworkPolicy/default/web");
		assertThat(targets("workspace=" + this.workspace + "&actor=" + this.actor + "&action=policy.save"))
			.containsExactly("CiliumNetworkPolicy/default/api", "CiliumNetworkPolicy/default/web");
		assertThat(targets("workspace=" + this.workspace + "&action=policy.*")).hasSize(3);
		assertThat(targets("workspace=" + this.workspace + "&outcome=denied")).containsExactly("POST /x");
		assertThat(targets("workspace=" + this.workspace + "&q=NEEDLE")).containsExactly("bundle");
		assertThat(targets("workspace=" + this.workspace + "&q=kube-system")).containsExactly("NetworkPolicy/kube-system/dns");
		assertThat(targets("workspace=" + this.workspace + "&since=" + this.start)).hasSize(5);
		assertThat(targets("workspace=" + this.workspace + "&until=" + this.start)).isEmpty();

		Map<String, Object> first = page("workspace=" + this.workspace + "&limit=2");
		assertThat(items(first)).extracting((e) -> e.get("target")).containsExactly("POST /x", "bundle");
		Map<String, Object> second = page("workspace=" + this.workspace + "&limit=2&before=" + first.get("next"));
		assertThat(items(second)).extracting((e) -> e.get("target"))
			.containsExactly("NetworkPolicy/kube-system/dns", "CiliumNetworkPolicy/default/api");
		Map<String, Object> last = page("workspace=" + this.workspace + "&limit=2&before=" + second.get("next"));
		assertThat(items(last)).hasSize(1);
		assertThat(last.get("next")).isNull();
		Map<String, Object> entry = items(last).get(0);
		assertThat(entry.get("details")).isEqualTo(Map.of("version", 1));
		assertThat(entry.get("remoteAddress")).isEqualTo("10.9.8.7");
		assertThat(entry.get("actorKind")).isEqualTo("USER");
	}

	@Test
	void badFiltersShouldGet400ProblemNamingEachOne() {
		as(Role.ADMIN).get().uri("/api/v1/audit?outcome=MAYBE&since=yesterday&limit=9999&colour=red").exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/invalid-request")
			.jsonPath("$.violations.length()").isEqualTo(4);
	}

	@Test
	void onlyAdminsShouldBrowseTheAuditLog() {
		as(Role.REVIEWER).get().uri("/api/v1/audit").exchange().expectStatus().isForbidden();
		as(Role.AUTHOR).get().uri("/admin/audit").accept(MediaType.TEXT_HTML).exchange().expectStatus().isForbidden();
	}

	@Test
	void auditPageShouldFilterAndHtmxShouldGetOnlyTheResults() {
		String html = as(Role.ADMIN).get().uri("/admin/audit?workspace=" + this.workspace + "&outcome=FAILURE")
			.exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("<h1>Audit log</h1>", "id=\"audit-filter\"", "needle in the details",
				"aria-current=\"page\" class=\"active\">Audit</a>").doesNotContain("CiliumNetworkPolicy/default/web");
		String fragment = as(Role.ADMIN).get().uri("/admin/audit?workspace=" + this.workspace + "&limit=2")
			.header("HX-Request", "true").exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("Vary", "HX-Request")
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(fragment).startsWith("<div id=\"audit-results\"").doesNotContain("<html", "audit-filter")
			.contains("id=\"audit-older\"", "before=");
		String invalid = as(Role.ADMIN).get().uri("/admin/audit?since=soon").exchange()
			.expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
		assertThat(invalid).contains("since must be a time");
	}

	private List<Object> targets(String query) {
		return items(page(query)).stream().map((e) -> e.get("target")).toList();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> page(String query) {
		return as(Role.ADMIN).get().uri("/api/v1/audit?" + query).exchange().expectStatus().isOk()
			.expectBody(Map.class).returnResult().getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> items(Map<String, Object> page) {
		return (List<Map<String, Object>>) page.get("items");
	}

}
