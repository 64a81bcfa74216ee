package dev.portcullis.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Forbidden;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A workspace's agent settings through {@code /api/v1/workspaces/{ws}/settings} as an automation client uses them:
 * Cilium's defaults, replacing them with {@code If-Match}, problems naming each bad setting, the role check and the
 * audit trail, and the settings in use: policies saved or imported into the workspace are validated for its
 * Cilium version.
 */
class WorkspaceSettingsIntegrationTests extends IntegrationTest {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	/** Valid in 1.19 (with a warning: Kafka rules are deprecated), refused by 1.20's CRD, which removed them. */
	static final String KAFKA = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: orders
			  namespace: shop
			spec:
			  endpointSelector:
			    matchLabels:
			      app: orders
			  ingress:
			  - fromEndpoints:
			    - matchLabels:
			        app: billing
			    toPorts:
			    - ports:
			      - port: "9092"
			        protocol: TCP
			      rules:
			        kafka:
			        - role: consume
			          topic: orders
			""";

	@Autowired
	JsonMapper json;

	@Autowired
	DatabaseClient db;

	@Autowired
	WorkspaceSettings settings;

	@Autowired
	Policies policies;

	@Autowired
	WorkspaceStates states;

	String ws;

	String path;

	@BeforeEach
	void workspace() {
		this.ws = PolicyFixtures.workspaceName("settings");
		this.path = "/api/v1/workspaces/" + this.ws + "/settings";
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
	}

	JsonNode body(WebTestClient.ResponseSpec response) {
		return this.json.readTree(response.expectBody().returnResult().getResponseBody());
	}

	WebTestClient.ResponseSpec put(Role role, Object body, String ifMatch) {
		WebTestClient.RequestBodySpec spec = as(role).put().uri(this.path).contentType(MediaType.APPLICATION_JSON);
		if (ifMatch != null) {
			spec = spec.header("If-Match", ifMatch);
		}
		return spec.bodyValue(body).exchange();
	}

	@Test
	void getShouldAnswerCiliumsDefaultsForAWorkspaceThatNeverSetThem() {
		JsonNode settings = body(as(Role.VIEWER).get().uri(this.path).exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"0\""));
		assertThat(settings.get("version").asInt()).isZero();
		assertThat(settings.get("changedBy").isNull()).isTrue();
		assertThat(this.json.convertValue(settings.get("settings"), Map.class)).isEqualTo(Map.ofEntries(
				Map.entry("ciliumVersion", "1.19"), Map.entry("policyEnforcementMode", "default"),
				Map.entry("policyAuditMode", false), Map.entry("clusterName", "default"),
				Map.entry("allowLocalhost", "always"), Map.entry("policyDefaultLocalCluster", true),
				Map.entry("policyCidrMatchMode", List.of()), Map.entry("nodeSelectorLabels", false),
				Map.entry("nonDefaultDenyPolicies", true), Map.entry("dnsRejectResponseCode", "refused"),
				Map.entry("hostFirewall", false), Map.entry("mutualAuthentication", false)));
		as(Role.VIEWER).get().uri("/api/v1/workspaces/no-such-workspace/settings").exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void putShouldReplaceEverySettingAsANewVersionWithIfMatchAndAuditBeforeAndAfter() {
		JsonNode first = body(put(Role.ADMIN, Map.of("ciliumVersion", "v1.18.4", "policyEnforcementMode", "Always",
				"clusterName", "prod-eu", "allowLocalhost", "policy", "policyCidrMatchMode", "nodes",
				"dnsRejectResponseCode", "nameError", "hostFirewall", true), null)
			.expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"1\""));
		assertThat(first.get("version").asInt()).isEqualTo(1);
		assertThat(first.get("changedBy").asString()).isEqualTo(username(Role.ADMIN));
		JsonNode read = body(as(Role.VIEWER).get().uri(this.path).exchange().expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"1\""));
		JsonNode settings = read.get("settings");
		assertThat(settings.get("ciliumVersion").asString()).isEqualTo("1.18");
		assertThat(settings.get("policyEnforcementMode").asString()).isEqualTo("always");
		assertThat(settings.get("clusterName").asString()).isEqualTo("prod-eu");
		assertThat(settings.get("allowLocalhost").asString()).isEqualTo("policy");
		assertThat(settings.get("policyCidrMatchMode").get(0).asString()).isEqualTo("nodes");
		assertThat(settings.get("dnsRejectResponseCode").asString()).isEqualTo("nameError");
		assertThat(settings.get("hostFirewall").asBoolean()).isTrue();
		assertThat(settings.get("policyDefaultLocalCluster").asBoolean()).isTrue();

		// changed settings need If-Match: without it 428, with a stale or weak tag 412; nothing is overwritten
		JsonNode required = body(put(Role.ADMIN, Map.of("clusterName", "other"), null)
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_REQUIRED)
			.expectHeader().valueEquals("ETag", "\"1\""));
		assertThat(required.get("type").asString()).isEqualTo("/problems/precondition-required");
		assertThat(required.get("current").get("settings").get("clusterName").asString()).isEqualTo("prod-eu");
		JsonNode stale = body(put(Role.ADMIN, Map.of("clusterName", "other"), "\"0\"")
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED));
		assertThat(stale.get("type").asString()).isEqualTo("/problems/version-conflict");
		assertThat(stale.get("current").get("version").asInt()).isEqualTo(1);
		put(Role.ADMIN, Map.of("clusterName", "other"), "W/\"1\"").expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED);

		// a PUT replaces everything: what it leaves out is Cilium's default again
		JsonNode second = body(put(Role.ADMIN, Map.of("clusterName", "prod-eu", "policyAuditMode", true), "\"1\"")
			.expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"2\""));
		assertThat(second.get("settings").get("policyEnforcementMode").asString()).isEqualTo("default");
		assertThat(second.get("settings").get("ciliumVersion").asString()).isEqualTo("1.19");
		assertThat(second.get("settings").get("policyAuditMode").asBoolean()).isTrue();
		// the same settings again write nothing
		put(Role.ADMIN, Map.of("clusterName", "prod-eu", "policyAuditMode", true), "\"2\"").expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"2\"");

		JsonNode audit = body(as(Role.ADMIN).get()
			.uri("/api/v1/audit?action=workspace.settings&workspace=" + this.ws).exchange().expectStatus().isOk());
		JsonNode items = audit.get("items");
		// two changes and three refusals (428, stale, weak); the unchanged PUT wrote nothing
		assertThat(items).hasSize(5);
		JsonNode latest = items.get(0);
		assertThat(latest.get("outcome").asString()).isEqualTo("SUCCESS");
		assertThat(latest.get("actor").asString()).isEqualTo(username(Role.ADMIN));
		JsonNode details = details(latest);
		assertThat(details.get("version").asInt()).isEqualTo(2);
		assertThat(details.get("before").get("policyEnforcementMode").asString()).isEqualTo("always");
		assertThat(details.get("after").get("policyEnforcementMode").asString()).isEqualTo("default");
		assertThat(details.get("before").get("policyAuditMode").asBoolean()).isFalse();
		assertThat(details.get("after").get("policyAuditMode").asBoolean()).isTrue();
		assertThat(details.get("after").has("clusterName")).as("unchanged settings are not listed").isFalse();
		assertThat(items.get(1).get("outcome").asString()).isEqualTo("FAILURE");
	}

	private JsonNode details(JsonNode entry) {
		JsonNode details = entry.get("details");
		return details.isString() ? this.json.readTree(details.asString()) : details;
	}

	@Test
	void badSettingsShouldBeRefusedWithAViolationNamingEachAndChangeNothing() {
		JsonNode problem = body(put(Role.ADMIN, Map.of("clusterName", "Prod_EU", "policyEnforcementMode", "sometimes",
				"hostFirewall", "yes", "colour", "red", "ciliumVersion", "latest", "policyCidrMatchMode", List.of("all")),
				null)
			.expectStatus().isBadRequest()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON));
		assertThat(problem.get("type").asString()).isEqualTo("/problems/invalid-settings");
		assertThat(problem.get("violations").valueStream().map((v) -> v.get("path").asString()).toList())
			.containsExactlyInAnyOrder("clusterName", "policyEnforcementMode", "hostFirewall", "colour", "ciliumVersion",
					"policyCidrMatchMode");
		assertThat(problem.get("violations").valueStream().map((v) -> v.get("message").asString()))
			.anySatisfy((m) -> assertThat(m).startsWith("clusterName: \"Prod_EU\" is not a cluster name Cilium accepts"))
			.anySatisfy((m) -> assertThat(m).isEqualTo("hostFirewall: must be true or false, not \"yes\""))
			.anySatisfy((m) -> assertThat(m).startsWith("colour: unknown option \"colour\"; allowed: ciliumVersion,"));
		as(Role.VIEWER).get().uri(this.path).exchange().expectStatus().isOk().expectHeader().valueEquals("ETag", "\"0\"");
		assertThat(count("SELECT count(*) AS n FROM audit_event WHERE action = 'workspace.settings' AND workspace = :ws "
				+ "AND outcome = 'FAILURE' AND details->>'refused' = 'InvalidSettings'")).isEqualTo(1L);

		put(Role.ADMIN, "[1, 2]", null).expectStatus().isBadRequest();
		put(Role.ADMIN, "{\"clusterName\": ", null).expectStatus().isBadRequest();
		put(Role.ADMIN, Map.of(), "\"x1\"").expectStatus().isBadRequest();
		as(Role.ADMIN).put().uri("/api/v1/workspaces/no-such-workspace/settings").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of()).exchange().expectStatus().isNotFound();
	}

	@Test
	void rolesBelowAdminShouldBeRefusedWith403AndTheRefusalAudited() {
		for (Role role : List.of(Role.VIEWER, Role.AUTHOR, Role.REVIEWER)) {
			JsonNode refused = body(put(role, Map.of("policyEnforcementMode", "never"), null)
				.expectStatus().isForbidden()
				.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON));
			assertThat(refused.get("type").asString()).isEqualTo("/problems/forbidden");
			assertThat(count("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.denied' AND actor = '"
					+ username(role) + "' AND target = 'PUT " + this.path + "'")).isPositive();
		}
		// the store checks the role again, whatever the URL rules say (docs/adr/010)
		Actor author = new Actor("direct-author", Actor.Kind.USER, Role.AUTHOR, null, "192.0.2.9");
		AgentSettings.Reading never = AgentSettings.read(this.json.readTree("{\"policyEnforcementMode\": \"never\"}"),
				AgentSettings.DEFAULTS, "", java.util.Set.of());
		assertThatThrownBy(() -> this.settings.change(this.ws, never, 0, author).block(TIMEOUT))
			.isInstanceOfSatisfying(Forbidden.class, (forbidden) -> assertThat(forbidden.required()).isEqualTo(Role.ADMIN));
		assertThat(count("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.denied' AND actor = 'direct-author'"
				+ " AND target = 'workspace.settings' AND remote_address = '192.0.2.9'")).isPositive();
		as(Role.VIEWER).get().uri(this.path).exchange().expectStatus().isOk().expectHeader().valueEquals("ETag", "\"0\"");
	}

	@Test
	void policiesShouldBeValidatedForTheWorkspacesCiliumVersion() {
		String policy = "/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/shop/orders";
		// 1.19 (the default): Kafka rules are deprecated, a warning
		JsonNode saved = body(as(Role.AUTHOR).put().uri(policy).contentType(YAML).bodyValue(KAFKA).exchange()
			.expectStatus().isCreated());
		assertThat(saved.get("warnings").toString()).contains("removed in Cilium 1.20");

		put(Role.ADMIN, Map.of("ciliumVersion", "1.20"), null).expectStatus().isOk();
		JsonNode refused = body(as(Role.AUTHOR).put().uri(policy).contentType(YAML).header("If-Match", "\"1\"")
			.bodyValue(KAFKA.replace("topic: orders", "topic: invoices")).exchange()
			.expectStatus().isBadRequest());
		assertThat(refused.get("type").asString()).isEqualTo("/problems/invalid-policy");
		JsonNode imported = body(as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/import")
			.contentType(YAML).bodyValue(KAFKA.replace("name: orders", "name: refunds")).exchange()
			.expectStatus().isBadRequest());
		assertThat(imported.get("type").asString()).isEqualTo("/problems/import-refused");

		// a version's warnings are those of the Cilium version in force when it was saved (1.19's)
		PolicyVersion first = this.policies.version(this.ws, new PolicyKey(
				dev.portcullis.engine.api.PolicyKind.CILIUM_NETWORK_POLICY, "shop", "orders"), 1).block(TIMEOUT);
		assertThat(this.policies.warnings(this.ws, first).block(TIMEOUT))
			.anySatisfy((warning) -> assertThat(warning.message()).contains("removed in Cilium 1.20"));
	}

	/** Writers racing from the same version: one wins, the others are told, nothing is lost or written twice. */
	@Test
	void concurrentChangesFromTheSameVersionShouldLetExactlyOneWin() {
		List<reactor.core.publisher.Mono<String>> writers = new java.util.ArrayList<>();
		for (int i = 0; i < 8; i++) {
			AgentSettings.Reading reading = AgentSettings.read(this.json.readTree("{\"clusterName\": \"c" + i + "\"}"),
					AgentSettings.DEFAULTS, "", java.util.Set.of());
			writers.add(this.settings.change(this.ws, reading, 0, Actor.SYSTEM)
				.map((version) -> "won " + version.version())
				.onErrorResume(StoreException.SettingsConflict.class, (conflict) -> reactor.core.publisher.Mono
					.just("lost to " + conflict.current().version()))
				.subscribeOn(reactor.core.scheduler.Schedulers.parallel()));
		}
		List<String> outcomes = reactor.core.publisher.Flux.merge(writers).collectList().block(TIMEOUT);
		assertThat(outcomes).containsOnlyOnce("won 1").hasSize(8);
		assertThat(outcomes.stream().filter((o) -> !o.equals("won 1"))).allMatch((o) -> o.equals("lost to 1"));
		assertThat(count("SELECT count(*) AS n FROM workspace_settings s JOIN workspace w ON w.id = s.workspace_id "
				+ "WHERE w.name = :ws")).isEqualTo(1L);
	}

	/** What later evaluations of a workspace take: its policies and the settings in force at a moment. */
	@Test
	void stateShouldCarryTheSettingsInForceAtItsMoment() {
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/web")
			.contentType(YAML).bodyValue(PolicyFixtures.cnp("default", "web", "web", 80)).exchange()
			.expectStatus().isCreated();
		java.time.Instant before = this.db.sql("SELECT clock_timestamp() AS now")
			.map((row) -> row.get("now", java.time.OffsetDateTime.class)).one().block(TIMEOUT).toInstant();
		put(Role.ADMIN, Map.of("policyEnforcementMode", "never", "clusterName", "prod-eu"), null).expectStatus().isOk();

		WorkspaceState now = this.states.at(this.ws, null).block(TIMEOUT);
		assertThat(now.policies()).extracting((p) -> p.key().name()).containsExactly("web");
		assertThat(now.settings().engineOptions().clusterName()).isEqualTo("prod-eu");
		assertThat(now.compile().options()).isEqualTo(now.settings().engineOptions());
		assertThat(now.parse().policies()).hasSize(1);

		WorkspaceState then = this.states.at(this.ws, before).block(TIMEOUT);
		assertThat(then.settings()).isEqualTo(AgentSettings.DEFAULTS);
		assertThat(then.policies()).hasSize(1);
		assertThat(then.compile().options()).isEqualTo(dev.portcullis.engine.eval.EngineOptions.DEFAULTS);
	}

	private long count(String sql) {
		var spec = this.db.sql(sql);
		if (sql.contains(":ws")) {
			spec = spec.bind("ws", this.ws);
		}
		return spec.map((row) -> row.get("n", Long.class)).one().block(TIMEOUT);
	}

}
