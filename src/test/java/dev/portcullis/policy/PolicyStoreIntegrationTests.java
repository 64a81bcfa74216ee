package dev.portcullis.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import dev.portcullis.IntegrationTest;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.identity.Actor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.r2dbc.core.DatabaseClient;

import static dev.portcullis.policy.PolicyFixtures.ccnp;
import static dev.portcullis.policy.PolicyFixtures.cnp;
import static dev.portcullis.policy.PolicyFixtures.netpol;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store ({@link Policies}, {@link PolicyChanges}, {@link BundleImport}, {@link BundleExport}) on real PostgreSQL: versions, tombstones, moments, import, export, and the database's guarantees. */
class PolicyStoreIntegrationTests extends IntegrationTest {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Autowired
	Workspaces workspaces;

	@Autowired
	Policies policies;

	@Autowired
	PolicyChanges changes;

	@Autowired
	BundleImport imports;

	@Autowired
	BundleExport exports;

	@Autowired
	DatabaseClient db;

	String ws;

	@BeforeEach
	void workspace() {
		this.ws = PolicyFixtures.workspaceName("store");
		this.workspaces.create(this.ws, "", Actor.SYSTEM).block(TIMEOUT);
	}

	<T> T await(Mono<T> mono) {
		return mono.block(TIMEOUT);
	}

	/** The whole export, its chunks joined. */
	String exported(String workspace, @Nullable Instant at) {
		return await(this.exports.export(workspace, at, Actor.SYSTEM)
			.flatMap((chunks) -> chunks.collect(Collectors.joining())));
	}

	SaveResult save(String yaml, Integer expected) {
		return await(this.changes.save(this.ws, null, yaml, expected, "test", Actor.SYSTEM));
	}

	static final PolicyKey WEB = new PolicyKey(PolicyKind.CILIUM_NETWORK_POLICY, "default", "web");

	@Test
	void saveWhenCanonicalFormIsUnchangedShouldWriteNoVersion() {
		save(cnp("default", "web", "web", 80), null);
		String reordered = """
				kind: CiliumNetworkPolicy
				apiVersion: cilium.io/v2
				metadata:
				  namespace: default
				  labels: {app: web}
				  name: web
				  resourceVersion: "12345"
				  uid: 0b9f0c8e-0000-0000-0000-000000000000
				spec:
				  ingress:
				  - toPorts:
				    - ports:
				      - protocol: TCP
				        port: "80"
				    fromEndpoints:
				    - matchLabels: {role: frontend}
				  endpointSelector:
				    matchLabels: {role: web}
				status: {}
				""";
		SaveResult again = save(reordered, 1);
		assertThat(again.outcome()).isEqualTo(SaveResult.Outcome.UNCHANGED);
		assertThat(again.version().version()).isEqualTo(1);
		assertThat(await(this.policies.history(this.ws, WEB, null, 10)).items()).hasSize(1);
	}

	@Test
	void saveWhenTextIsInvalidShouldRefuseWithTheEnginesViolationsAndWriteNothing() {
		String invalid = cnp("default", "web", "web", 80).replace("protocol: TCP", "protocol: TCPX");
		assertThatThrownBy(() -> save(invalid, null)).isInstanceOfSatisfying(StoreException.Invalid.class, (ex) -> {
			assertThat(ex.violations()).anySatisfy((v) -> {
				assertThat(v.isError()).isTrue();
				assertThat(v.path()).isEqualTo("spec.ingress[0].toPorts[0].ports[0].protocol");
				assertThat(v.line()).isEqualTo(19);
				assertThat(v.column()).isGreaterThan(0);
			});
		});
		assertThat(await(this.policies.list(this.ws, PolicyQuery.all())).items()).isEmpty();
	}

	@Test
	void saveWhenTextNamesAnotherPolicyThanTheKeyShouldBeRefused() {
		assertThatThrownBy(() -> await(this.changes.save(this.ws, WEB, cnp("default", "api", "api", 80), null, "",
				Actor.SYSTEM))).isInstanceOf(StoreException.BadRequest.class).hasMessageContaining("not CiliumNetworkPolicy/default/web");
	}

	@Test
	void saveOnAStaleVersionShouldConflictWithTheCurrentHead() {
		save(cnp("default", "web", "web", 80), null);
		save(cnp("default", "web", "web", 81), 1);
		assertThatThrownBy(() -> save(cnp("default", "web", "web", 82), 1))
			.isInstanceOfSatisfying(StoreException.Conflict.class, (ex) -> {
				assertThat(ex.expectedVersion()).isEqualTo(1);
				assertThat(ex.current().version()).isEqualTo(2);
			});
		assertThatThrownBy(() -> save(cnp("default", "web", "web", 82), null)).isInstanceOf(StoreException.Conflict.class);
	}

	@Test
	void deleteShouldWriteATombstoneThatRestoreUndoes() {
		SaveResult created = save(cnp("default", "web", "web", 80), null);
		SaveResult deleted = await(this.changes.delete(this.ws, WEB, 1, "gone", Actor.SYSTEM));
		assertThat(deleted.outcome()).isEqualTo(SaveResult.Outcome.DELETED);
		assertThat(deleted.version().deleted()).isTrue();
		assertThat(await(this.policies.list(this.ws, PolicyQuery.all())).items()).isEmpty();
		assertThatThrownBy(() -> await(this.changes.delete(this.ws, WEB, 2, "", Actor.SYSTEM)))
			.isInstanceOf(StoreException.Conflict.class);
		SaveResult restored = await(this.changes.restore(this.ws, WEB, null, 2, "", Actor.SYSTEM));
		assertThat(restored.outcome()).isEqualTo(SaveResult.Outcome.RESTORED);
		assertThat(restored.version().version()).isEqualTo(3);
		assertThat(restored.version().canonicalYaml()).isEqualTo(created.version().canonicalYaml());
		assertThat(restored.version().summary().contentHash()).isEqualTo(created.version().summary().contentHash());
		assertThat(await(this.policies.list(this.ws, PolicyQuery.all())).items()).extracting(PolicySummary::version)
			.containsExactly(3);
	}

	@Test
	void saveOverATombstoneShouldCreateThePolicyAgainWithoutAPrecondition() {
		save(cnp("default", "web", "web", 80), null);
		await(this.changes.delete(this.ws, WEB, 1, "", Actor.SYSTEM));
		SaveResult again = save(cnp("default", "web", "web", 90), null);
		assertThat(again.outcome()).isEqualTo(SaveResult.Outcome.CREATED);
		assertThat(again.version().version()).isEqualTo(3);
	}

	@Test
	void restoreShouldRollBackToAnyEarlierVersion() {
		save(cnp("default", "web", "web", 80), null);
		save(cnp("default", "web", "web", 81), 1);
		SaveResult back = await(this.changes.restore(this.ws, WEB, 1, 2, "", Actor.SYSTEM));
		assertThat(back.version().version()).isEqualTo(3);
		assertThat(back.version().canonicalYaml()).contains("port: \"80\"");
		assertThat(back.version().summary().message()).isEqualTo("Restore version 1");
	}

	@Test
	void getAsOfAMomentShouldGiveTheVersionCurrentThen() {
		SaveResult first = save(cnp("default", "web", "web", 80), null);
		Instant afterFirst = first.version().summary().createdAt();
		save(cnp("default", "web", "web", 81), 1);
		assertThat(await(this.policies.get(this.ws, WEB, afterFirst)).version()).isEqualTo(1);
		assertThat(await(this.policies.get(this.ws, WEB, null)).version()).isEqualTo(2);
		assertThatThrownBy(() -> await(this.policies.get(this.ws, WEB, afterFirst.minusSeconds(60))))
			.isInstanceOf(StoreException.NotFound.class);
		PolicyQuery then = new PolicyQuery(null, null, null, null, afterFirst, null, 10);
		assertThat(await(this.policies.list(this.ws, then)).items()).extracting(PolicySummary::version).containsExactly(1);
	}

	@Test
	void snapshotAndCompareShouldSeeTheWorkspaceAtTwoMoments() {
		save(cnp("default", "web", "web", 80), null);
		save(cnp("default", "api", "api", 80), null);
		SaveResult db = save(netpol("data", "db"), null);
		Instant t1 = db.version().summary().createdAt();
		save(cnp("default", "web", "web", 81), 1);
		await(this.changes.delete(this.ws, new PolicyKey(PolicyKind.CILIUM_NETWORK_POLICY, "default", "api"), 1, "",
				Actor.SYSTEM));
		SaveResult all = save(ccnp("all"), null);
		Instant t2 = all.version().summary().createdAt();
		assertThat(await(this.policies.snapshot(this.ws, t1).collectList())).extracting((s) -> s.key().toString())
			.containsExactly("CiliumNetworkPolicy/default/api", "CiliumNetworkPolicy/default/web", "NetworkPolicy/data/db");
		WorkspaceComparison comparison = await(this.policies.compare(this.ws, t1, t2));
		assertThat(comparison.changes()).extracting((e) -> e.key() + " " + e.change() + " " + e.fromVersion() + "→" + e.toVersion())
			.containsExactly("CiliumClusterwideNetworkPolicy/all ADDED null→1",
					"CiliumNetworkPolicy/default/api REMOVED 1→null", "CiliumNetworkPolicy/default/web CHANGED 1→2");
	}

	@Test
	void listShouldBeStableUnderInsertsBetweenPages() {
		for (String name : List.of("b", "d", "f", "h")) {
			save(cnp("default", name, name, 80), null);
		}
		Page<PolicySummary> first = await(this.policies.list(this.ws, new PolicyQuery(null, null, null, null, null, null, 2)));
		assertThat(first.items()).extracting((s) -> s.key().name()).containsExactly("b", "d");
		save(cnp("default", "a", "a", 80), null);
		save(cnp("default", "c", "c", 80), null);
		save(cnp("default", "e", "e", 80), null);
		Page<PolicySummary> second = await(this.policies.list(this.ws, new PolicyQuery(null, null, null, null, null,
				first.nextCursor(), 2)));
		assertThat(second.items()).extracting((s) -> s.key().name()).containsExactly("e", "f");
		Page<PolicySummary> third = await(this.policies.list(this.ws, new PolicyQuery(null, null, null, null, null,
				second.nextCursor(), 2)));
		assertThat(third.items()).extracting((s) -> s.key().name()).containsExactly("h");
		assertThat(third.nextCursor()).isNull();
	}

	@Test
	void listShouldFilterByKindNamespaceTextAndLabel() {
		save(cnp("default", "web", "web", 80), null);
		save(cnp("prod", "web-prod", "web", 80), null);
		save(netpol("data", "db"), null);
		save(ccnp("all"), null);
		assertThat(names(new PolicyQuery(null, PolicyKind.NETWORK_POLICY, null, null, null, null, 10))).containsExactly("db");
		assertThat(names(new PolicyQuery(null, null, "", null, null, null, 10))).containsExactly("all");
		assertThat(names(new PolicyQuery(null, null, "prod", null, null, null, 10))).containsExactly("web-prod");
		assertThat(names(new PolicyQuery("WEB", null, null, null, null, null, 10))).containsExactly("web", "web-prod");
		assertThat(names(new PolicyQuery("dat", null, null, null, null, null, 10))).containsExactly("db");
		assertThat(names(new PolicyQuery(null, null, null, "app=web", null, null, 10))).containsExactly("web", "web-prod");
		assertThat(names(new PolicyQuery("100%_", null, null, null, null, null, 10))).isEmpty();
		assertThatThrownBy(() -> names(new PolicyQuery(null, null, null, "app=a b", null, null, 10)))
			.isInstanceOf(StoreException.BadRequest.class);
		assertThatThrownBy(() -> names(new PolicyQuery(null, null, null, null, null, "garbage!", 10)))
			.isInstanceOf(StoreException.BadRequest.class);
	}

	List<String> names(PolicyQuery query) {
		return await(this.policies.list(this.ws, query)).items().stream().map((s) -> s.key().name()).toList();
	}

	@Test
	void versionsShouldBeAppendOnlyForTheApplicationsDatabaseUser() {
		save(cnp("default", "web", "web", 80), null);
		for (String sql : List.of("UPDATE policy_version SET message = 'rewritten'",
				"DELETE FROM policy_version", "TRUNCATE policy_version CASCADE")) {
			assertThatThrownBy(() -> this.db.sql(sql).then().block(TIMEOUT)).as(sql)
				.isInstanceOf(DataAccessException.class)
				.hasMessageContaining("append-only");
		}
		assertThat(await(this.policies.version(this.ws, WEB, 1)).summary().message()).isEqualTo("test");
	}

	@Test
	void headShouldAlwaysPointAtAnExistingVersion() {
		save(cnp("default", "web", "web", 80), null);
		assertThatThrownBy(() -> this.db.sql("UPDATE policy SET head_version = 9 WHERE name = 'web' AND workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)").bind("ws", this.ws).then().block(TIMEOUT))
			.isInstanceOf(DataAccessException.class).hasMessageContaining("policy_head_exists");
	}

	@Test
	void changesShouldBeAudited() {
		save(cnp("default", "web", "web", 80), null);
		await(this.changes.delete(this.ws, WEB, 1, "", Actor.SYSTEM));
		await(this.changes.restore(this.ws, WEB, null, 2, "", Actor.SYSTEM));
		await(this.imports.run(this.ws, ccnp("all"), "", Actor.SYSTEM));
		exported(this.ws, null);
		List<String> actions = this.db.sql("SELECT action || ' ' || coalesce(target, '-') AS a FROM audit_event "
				+ "WHERE workspace = :ws ORDER BY id").bind("ws", this.ws)
			.map((row) -> row.get("a", String.class)).all().collectList().block(TIMEOUT);
		assertThat(actions).containsExactly("workspace.create " + this.ws, "policy.save CiliumNetworkPolicy/default/web",
				"policy.delete CiliumNetworkPolicy/default/web", "policy.restore CiliumNetworkPolicy/default/web",
				"bundle.import -", "workspace.export -");
	}

	@Test
	void diffShouldGiveLinesAndStructuralChanges() {
		save(cnp("default", "web", "web", 80), null);
		save(cnp("default", "web", "web", 80).replace("""
				      - port: "80"
				        protocol: TCP
				""", """
				      - port: "80"
				        protocol: TCP
				      - port: "443"
				        protocol: TCP
				"""), 1);
		PolicyDiff diff = await(this.policies.diff(this.ws, WEB, 1, 2));
		assertThat(diff.unified()).contains("+      - port: \"443\"").startsWith("--- a/CiliumNetworkPolicy/default/web v1");
		assertThat(diff.lines()).filteredOn((l) -> l.type() == PolicyDiff.LineType.ADDED).extracting(PolicyDiff.Line::text)
			.containsExactly("      - port: \"443\"", "        protocol: TCP");
		assertThat(diff.changes()).extracting(PolicyDiff.Change::summary)
			.containsExactly("ingress rule changed", "port added: 443/TCP");
		assertThat(await(this.policies.diff(this.ws, WEB, 2, 2)).identical()).isTrue();
	}

	@Test
	void workspaceNamesShouldBeUniqueDnsLabels() {
		assertThatThrownBy(() -> await(this.workspaces.create(this.ws, "", Actor.SYSTEM)))
			.isInstanceOf(StoreException.AlreadyExists.class);
		assertThatThrownBy(() -> await(this.workspaces.create("Not A Label", "", Actor.SYSTEM)))
			.isInstanceOf(StoreException.BadRequest.class);
		assertThat(await(this.workspaces.find(this.ws)).policies()).isZero();
		assertThat(await(this.workspaces.all().map(Workspace::name).collectList())).contains(this.ws);
		assertThat(await(this.workspaces.find("no-such-workspace").hasElement())).isFalse();
		assertThatThrownBy(() -> await(this.policies.list("no-such-workspace", PolicyQuery.all())))
			.isInstanceOf(StoreException.NotFound.class);
	}

	@Test
	void importWithOneBadDocumentShouldChangeNothing() {
		save(cnp("default", "web", "web", 80), null);
		String bundle = cnp("default", "web", "web", 81) + "---\n" + cnp("default", "api", "api", 80) + "---\n"
				+ cnp("default", "bad", "bad", 80).replace("protocol: TCP", "protocol: TPC") + "---\n"
				+ "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
		assertThatThrownBy(() -> await(this.imports.run(this.ws, bundle, "", Actor.SYSTEM)))
			.isInstanceOfSatisfying(StoreException.ImportRefused.class, (ex) -> {
				ImportReport report = ex.report();
				assertThat(report.accepted()).isFalse();
				assertThat(report.rows()).extracting(ImportReport.Row::outcome).containsExactly(ImportReport.Outcome.UPDATED,
						ImportReport.Outcome.CREATED, ImportReport.Outcome.INVALID, ImportReport.Outcome.INVALID);
				assertThat(report.rows().get(2).violations()).anySatisfy((v) -> {
					assertThat(v.document()).isEqualTo(2);
					// lines count in the whole bundle: two 19-line documents and two "---" come first
					assertThat(v.line()).isEqualTo(59);
				});
				assertThat(report.rows().get(3).violations()).anySatisfy((v) -> assertThat(v.message()).contains("ConfigMap"));
			});
		assertThat(names(PolicyQuery.all())).containsExactly("web");
		assertThat(await(this.policies.get(this.ws, WEB, null)).version()).isEqualTo(1);
	}

	@Test
	void importShouldRefuseDuplicatesWithinTheBundle() {
		String bundle = cnp("default", "web", "web", 80) + "---\n" + cnp("default", "web", "web", 81);
		assertThatThrownBy(() -> await(this.imports.run(this.ws, bundle, "", Actor.SYSTEM)))
			.isInstanceOfSatisfying(StoreException.ImportRefused.class, (ex) -> assertThat(ex.report().rows())
				.extracting(ImportReport.Row::outcome)
				.containsExactly(ImportReport.Outcome.CREATED, ImportReport.Outcome.DUPLICATE));
		assertThat(names(PolicyQuery.all())).isEmpty();
	}

	@Test
	void importShouldRefuseTextThatIsNotYaml() {
		assertThatThrownBy(() -> await(this.imports.run(this.ws, "kind: [unclosed\n  - x: {", "", Actor.SYSTEM)))
			.isInstanceOfSatisfying(StoreException.ImportRefused.class, (ex) -> {
				assertThat(ex.report().rows()).isEmpty();
				assertThat(ex.report().problems()).anySatisfy((v) -> assertThat(v.line()).isPositive());
			});
	}

	@Test
	void importShouldReadKubectlListsAndStripClusterSetFields() {
		String list = """
				apiVersion: v1
				kind: List
				items:
				- apiVersion: cilium.io/v2
				  kind: CiliumNetworkPolicy
				  metadata:
				    annotations:
				      kubectl.kubernetes.io/last-applied-configuration: |
				        {"apiVersion":"cilium.io/v2"}
				    creationTimestamp: "2026-01-01T00:00:00Z"
				    generation: 3
				    name: web
				    namespace: default
				    resourceVersion: "4242"
				    uid: 6a1e0000-0000-0000-0000-000000000001
				  spec:
				    endpointSelector:
				      matchLabels:
				        role: web
				    ingress:
				    - fromEndpoints:
				      - matchLabels:
				          role: frontend
				  status:
				    conditions: []
				- apiVersion: networking.k8s.io/v1
				  kind: NetworkPolicy
				  metadata:
				    name: db
				    namespace: data
				    managedFields:
				    - manager: kubectl
				  spec:
				    podSelector: {}
				metadata:
				  resourceVersion: ""
				""";
		ImportReport report = await(this.imports.run(this.ws, list, "from kubectl", Actor.SYSTEM));
		assertThat(report.accepted()).isTrue();
		assertThat(report.rows()).extracting((r) -> r.item() + " " + r.kind() + "/" + r.namespace() + "/" + r.name()
				+ " " + r.outcome() + " v" + r.version())
			.containsExactly("0 CiliumNetworkPolicy/default/web CREATED v1", "1 NetworkPolicy/data/db CREATED v1");
		String canonical = await(this.policies.get(this.ws, WEB, null)).canonicalYaml();
		assertThat(canonical).isEqualTo("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: web
				  namespace: default
				spec:
				  endpointSelector:
				    matchLabels:
				      role: web
				  ingress:
				  - fromEndpoints:
				    - matchLabels:
				        role: frontend
				""");
		ImportReport again = await(this.imports.run(this.ws, list, "", Actor.SYSTEM));
		assertThat(again.rows()).extracting(ImportReport.Row::outcome).containsOnly(ImportReport.Outcome.UNCHANGED);
	}

	@Test
	void exportShouldBeByteStableAndReimportUnchanged() {
		save(netpol("data", "db"), null);
		save(cnp("prod", "web", "web", 80), null);
		save(ccnp("all"), null);
		save(cnp("default", "api", "api", 80), null);
		String first = exported(this.ws, null);
		String second = exported(this.ws, null);
		assertThat(second).isEqualTo(first);
		assertThat(first.split("---\n")).hasSize(4);
		assertThat(first).startsWith("apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n");
		assertThat(first.indexOf("name: api")).isLessThan(first.indexOf("name: web"));
		assertThat(first.indexOf("name: web")).isLessThan(first.indexOf("kind: NetworkPolicy"));
		ImportReport report = await(this.imports.run(this.ws, first, "round trip", Actor.SYSTEM));
		assertThat(report.rows()).hasSize(4).extracting(ImportReport.Row::outcome)
			.containsOnly(ImportReport.Outcome.UNCHANGED);
		String other = PolicyFixtures.workspaceName("copy");
		await(this.workspaces.create(other, "", Actor.SYSTEM));
		await(this.imports.run(other, first, "copy", Actor.SYSTEM));
		assertThat(exported(other, null)).isEqualTo(first);
	}

	@Test
	void exportShouldStreamAChunkAPolicyAndRefuseAnUnknownWorkspaceBeforeAnyChunk() {
		save(cnp("prod", "web", "web", 80), null);
		save(ccnp("all"), null);
		save(netpol("data", "db"), null);
		List<String> chunks = await(this.exports.export(this.ws, null, Actor.SYSTEM).flatMap(Flux::collectList));
		assertThat(chunks).hasSize(3);
		assertThat(chunks.get(0)).startsWith("apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n");
		assertThat(chunks.subList(1, 3)).allSatisfy((chunk) -> assertThat(chunk).startsWith("---\n"));
		assertThat(String.join("", chunks)).isEqualTo(exported(this.ws, null));
		assertThatThrownBy(() -> await(this.exports.export("no-such-workspace", null, Actor.SYSTEM)))
			.isInstanceOf(StoreException.NotFound.class);
	}

	@Test
	void exportAsOfAMomentShouldGiveThatState() {
		SaveResult v1 = save(cnp("default", "web", "web", 80), null);
		String then = exported(this.ws, v1.version().summary().createdAt());
		save(cnp("default", "web", "web", 81), 1);
		assertThat(exported(this.ws, v1.version().summary().createdAt())).isEqualTo(then);
		assertThat(then).contains("port: \"80\"");
	}

	@Test
	void importShouldUpdateRecreateAndKeepUnchangedInOneTransaction() {
		save(cnp("default", "web", "web", 80), null);
		save(cnp("default", "same", "same", 80), null);
		save(cnp("default", "gone", "gone", 80), null);
		await(this.changes.delete(this.ws, new PolicyKey(PolicyKind.CILIUM_NETWORK_POLICY, "default", "gone"), 1, "",
				Actor.SYSTEM));
		String bundle = cnp("default", "web", "web", 81) + "---\n" + cnp("default", "same", "same", 80) + "---\n"
				+ cnp("default", "gone", "gone", 80) + "---\n" + ccnp("new-one");
		ImportReport report = await(this.imports.run(this.ws, bundle, "sync", Actor.SYSTEM));
		assertThat(report.rows()).extracting((r) -> r.name() + " " + r.outcome() + " v" + r.version())
			.containsExactly("web UPDATED v2", "same UNCHANGED v1", "gone CREATED v3", "new-one CREATED v1");
		assertThat(await(this.policies.get(this.ws, WEB, null)).yaml()).isEqualTo(cnp("default", "web", "web", 81));
		assertThat(names(PolicyQuery.all())).containsExactly("new-one", "gone", "same", "web");
	}

	@Test
	void labelsShouldBeSearchableAsOfAMoment() {
		SaveResult v1 = save(cnp("default", "web", "web", 80), null);
		save(cnp("default", "web", "web", 80).replace("app: web", "app: web2"), 1);
		assertThat(names(new PolicyQuery(null, null, null, "app=web", v1.version().summary().createdAt(), null, 10)))
			.containsExactly("web");
		assertThat(names(new PolicyQuery(null, null, null, "app=web", null, null, 10))).isEmpty();
	}

}
