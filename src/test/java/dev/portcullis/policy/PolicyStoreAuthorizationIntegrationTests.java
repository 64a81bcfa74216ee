package dev.portcullis.policy;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import dev.portcullis.IntegrationTest;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Forbidden;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static dev.portcullis.policy.PolicyFixtures.cnp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store checks the requester's role itself, whatever the URL rules in front of it let through: each write,
 * called directly with a requester below AUTHOR, is refused with {@link Forbidden}, writes nothing and is audited as
 * {@code auth.denied}.
 */
class PolicyStoreAuthorizationIntegrationTests extends IntegrationTest {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	static final PolicyKey WEB = new PolicyKey(PolicyKind.CILIUM_NETWORK_POLICY, "default", "web");

	@Autowired
	Workspaces workspaces;

	@Autowired
	PolicyChanges changes;

	@Autowired
	BundleImport imports;

	@Autowired
	DatabaseClient db;

	String ws;

	@BeforeEach
	void workspaceWithOnePolicy() {
		this.ws = PolicyFixtures.workspaceName("authz");
		this.workspaces.create(this.ws, "", Actor.SYSTEM).block(TIMEOUT);
		this.changes.save(this.ws, null, cnp("default", "web", "web", 80), null, "first", Actor.SYSTEM).block(TIMEOUT);
	}

	record Write(String action, Function<Context, Mono<?>> call) {

		@Override
		public String toString() {
			return this.action;
		}

	}

	record Context(Workspaces workspaces, PolicyChanges changes, BundleImport imports, String ws, Actor by) {
	}

	Context context(Actor by) {
		return new Context(this.workspaces, this.changes, this.imports, this.ws, by);
	}

	static List<Write> writes() {
		return List.of(
				new Write("workspace.create", (c) -> c.workspaces().create(c.ws() + "-new", "", c.by())),
				new Write("policy.save", (c) -> c.changes().save(c.ws(), null, cnp("default", "web", "web", 443), 1, "",
						c.by())),
				new Write("policy.delete", (c) -> c.changes().delete(c.ws(), WEB, 1, "", c.by())),
				new Write("policy.restore", (c) -> c.changes().restore(c.ws(), WEB, 1, 1, "", c.by())),
				new Write("bundle.import", (c) -> c.imports().run(c.ws(), cnp("default", "api", "api", 8080), "",
						c.by())));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("writes")
	void writeShouldRefuseAViewerAndNobodyAndChangeNothing(Write write) {
		for (Actor actor : List.of(new Actor("direct-viewer", Actor.Kind.USER, Role.VIEWER, null, null), Actor.ANONYMOUS)) {
			Actor by = actor.withAddress("192.0.2.7");
			assertThatThrownBy(() -> write.call().apply(context(by)).block(TIMEOUT))
				.isInstanceOfSatisfying(Forbidden.class, (forbidden) -> {
					assertThat(forbidden.getStatusCode().value()).isEqualTo(403);
					assertThat(forbidden.required()).isEqualTo(Role.AUTHOR);
					assertThat(forbidden.action()).isEqualTo(write.action());
				});
			assertThat(count("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.denied' AND actor = :a "
					+ "AND target = :t AND remote_address = '192.0.2.7' AND details->>'required' = 'AUTHOR'",
					actor.username(), write.action())).isPositive();
		}
		assertThat(count("SELECT count(*) AS n FROM workspace WHERE name = :a OR name = :t", this.ws + "-new", "-"))
			.isZero();
		assertThat(count("SELECT count(*) AS n FROM policy_version v JOIN policy p ON p.id = v.policy_id JOIN workspace w "
				+ "ON w.id = p.workspace_id WHERE w.name = :a OR w.name = :t", this.ws, "-")).isEqualTo(1L);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("writes")
	void writeShouldAdmitAnAuthor(Write write) {
		Actor by = new Actor("direct-author", Actor.Kind.USER, Role.AUTHOR, null, null);
		assertThat(write.call().apply(context(by)).block(TIMEOUT)).isNotNull();
	}

	private long count(String sql, String a, String t) {
		return this.db.sql(sql).bind("a", a).bind("t", t).map((row) -> row.get("n", Long.class)).one().block(TIMEOUT);
	}

}
