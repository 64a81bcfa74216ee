package dev.portcullis.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.portcullis.IntegrationTest;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static dev.portcullis.policy.PolicyFixtures.cnp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the store records besides versions: refused changes in the audit log (what was attempted, why it was refused,
 * nothing counted as written), and the engine's warnings with each version (counted for the list, read back for the
 * policy page).
 */
class PolicyStoreRefusalsIntegrationTests extends IntegrationTest {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	static final PolicyKey WEB = new PolicyKey(PolicyKind.CILIUM_NETWORK_POLICY, "default", "web");

	static final String KAFKA_WITHOUT_NAMESPACE = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: orders
			spec:
			  endpointSelector:
			    matchLabels: {app: orders}
			  ingress:
			  - toPorts:
			    - ports:
			      - port: "9092"
			        protocol: TCP
			      rules:
			        kafka:
			        - role: consume
			          topic: orders
			""";

	@Autowired
	Workspaces workspaces;

	@Autowired
	Policies policies;

	@Autowired
	PolicyChanges changes;

	@Autowired
	BundleImport imports;

	@Autowired
	DatabaseClient db;

	@Autowired
	JsonMapper json;

	String ws;

	@BeforeEach
	void workspace() {
		this.ws = PolicyFixtures.workspaceName("refusals");
		this.workspaces.create(this.ws, "", Actor.SYSTEM).block(TIMEOUT);
	}

	private List<Map.Entry<String, JsonNode>> audited(String action) {
		return this.db.sql("SELECT outcome || ' ' || coalesce(target, '-') AS what, details::text AS details "
				+ "FROM audit_event WHERE workspace = :ws AND action = :action ORDER BY id")
			.bind("ws", this.ws)
			.bind("action", action)
			.map((row) -> Map.entry(row.get("what", String.class), this.json.readTree(row.get("details", String.class))))
			.all()
			.collectList()
			.block(TIMEOUT);
	}

	private <T> void refused(Mono<T> change, Class<? extends StoreException> refusal) {
		assertThatThrownBy(() -> change.block(TIMEOUT)).isInstanceOf(refusal);
	}

	@Test
	void aRefusedSaveShouldBeAuditedWithTheReason() {
		refused(this.changes.save(this.ws, null, cnp("default", "web", "web", 99999), null, "bad port", Actor.SYSTEM),
				StoreException.Invalid.class);
		this.changes.save(this.ws, null, cnp("default", "web", "web", 80), null, "", Actor.SYSTEM).block(TIMEOUT);
		refused(this.changes.save(this.ws, null, cnp("default", "web", "web", 81), null, "create again", Actor.SYSTEM),
				StoreException.Conflict.class);
		refused(this.changes.save(this.ws, WEB, cnp("default", "web", "web", 82), 7, "stale", Actor.SYSTEM),
				StoreException.Conflict.class);

		List<Map.Entry<String, JsonNode>> saves = audited("policy.save");
		assertThat(saves).extracting(Map.Entry::getKey).containsExactly("FAILURE -",
				"SUCCESS CiliumNetworkPolicy/default/web", "FAILURE CiliumNetworkPolicy/default/web",
				"FAILURE CiliumNetworkPolicy/default/web");
		JsonNode invalid = saves.get(0).getValue();
		assertThat(invalid.get("refused").asString()).isEqualTo("Invalid");
		assertThat(invalid.get("reason").asString()).isEqualTo("1 problem in the policy; each names its path, line and column.");
		assertThat(invalid.get("errors").asInt()).isEqualTo(1);
		assertThat(saves.get(2).getValue().get("currentVersion").asInt()).isEqualTo(1);
		assertThat(saves.get(3).getValue().get("expectedVersion").asInt()).isEqualTo(7);
		assertThat(this.policies.get(this.ws, WEB, null).block(TIMEOUT).version()).isEqualTo(1);
	}

	@Test
	void aRefusedImportShouldBeAuditedWithNothingCountedAsWritten() {
		String bundle = cnp("default", "a", "a", 80) + "---\n" + cnp("default", "b", "b", 81) + "---\n"
				+ cnp("default", "c", "c", 99999) + "---\n" + cnp("default", "a", "a", 80);
		refused(this.imports.run(this.ws, bundle, "", Actor.SYSTEM), StoreException.ImportRefused.class);

		List<Map.Entry<String, JsonNode>> imports = audited("bundle.import");
		assertThat(imports).extracting(Map.Entry::getKey).containsExactly("FAILURE -");
		JsonNode details = imports.get(0).getValue();
		assertThat(details.has("created")).as("counts of what would have been created: %s", details).isFalse();
		assertThat(details.has("updated")).isFalse();
		assertThat(details.get("written").asInt()).isZero();
		assertThat(details.get("objects").asInt()).isEqualTo(4);
		assertThat(details.get("invalid").asInt()).isEqualTo(1);
		assertThat(details.get("duplicate").asInt()).isEqualTo(1);
		assertThat(details.get("reason").asString())
			.isEqualTo("Nothing was imported: 2 of 4 objects are invalid or duplicates; each row names its problems.");

		this.imports.run(this.ws, cnp("default", "a", "a", 80), "", Actor.SYSTEM).block(TIMEOUT);
		JsonNode written = audited("bundle.import").get(1).getValue();
		assertThat(written.get("created").asInt()).isEqualTo(1);
		assertThat(written.get("written").asInt()).isEqualTo(1);
	}

	@Test
	void aDuplicateShouldNameTheFirstObjectCountingFromOne() {
		String bundle = cnp("default", "a", "a", 80) + "---\n" + cnp("default", "a", "a", 80);
		assertThatThrownBy(() -> this.imports.run(this.ws, bundle, "", Actor.SYSTEM).block(TIMEOUT))
			.isInstanceOfSatisfying(StoreException.ImportRefused.class, (refused) -> assertThat(refused.report()
				.rows()
				.get(1)
				.violations()).extracting(Violation::message)
				.containsExactly("CiliumNetworkPolicy/default/a appears more than once in the bundle (first as object #1,"
						+ " counting from 1)."));
	}

	@Test
	void warningsShouldBeCountedWithEachVersionAndReadBackForItsPage() {
		SaveResult saved = this.changes.save(this.ws, null, KAFKA_WITHOUT_NAMESPACE, null, "", Actor.SYSTEM)
			.block(TIMEOUT);
		assertThat(saved.warnings()).hasSize(2);
		this.imports.run(this.ws, cnp("default", "web", "web", 80) + "---\n"
				+ KAFKA_WITHOUT_NAMESPACE.replace("name: orders", "name: billing"), "", Actor.SYSTEM).block(TIMEOUT);

		List<PolicySummary> listed = this.policies.list(this.ws, new PolicyQuery(null, null, null, null, null, null, 50))
			.block(TIMEOUT)
			.items();
		assertThat(listed).extracting((p) -> p.key().name() + " " + p.warnings())
			.containsExactly("billing 2", "orders 2", "web 0");
		PolicyVersion orders = this.policies.get(this.ws, new PolicyKey(PolicyKind.CILIUM_NETWORK_POLICY, "default",
				"orders"), null).block(TIMEOUT);
		assertThat(orders.summary().warnings()).isEqualTo(2);
		assertThat(this.policies.warnings(this.ws, orders).block(TIMEOUT)).extracting(Violation::message)
			.anySatisfy((message) -> assertThat(message).contains("removed in Cilium 1.20"))
			.anySatisfy((message) -> assertThat(message).contains("metadata.namespace is not set"));

		// a new version without the Kafka rule: one warning left, in the list (now and as of a moment) and the history
		String fixed = KAFKA_WITHOUT_NAMESPACE.replaceAll("(?s)      rules:.*", "");
		this.changes.save(this.ws, null, fixed, 1, "no kafka", Actor.SYSTEM).block(TIMEOUT);
		assertThat(this.policies.list(this.ws, new PolicyQuery("orders", null, null, null, null, null, 50)).block(TIMEOUT)
			.items()).extracting(PolicySummary::warnings).containsExactly(1);
		assertThat(this.policies.list(this.ws, new PolicyQuery("orders", null, null, null, java.time.Instant.now(), null, 50))
			.block(TIMEOUT)
			.items()).extracting(PolicySummary::warnings).containsExactly(1);
		assertThat(this.policies.history(this.ws, orders.key(), null, 10).block(TIMEOUT).items())
			.extracting(PolicySummary::warnings).containsExactly(1, 2);
	}

}
