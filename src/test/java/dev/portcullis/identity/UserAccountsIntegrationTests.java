package dev.portcullis.identity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link UserAccounts} checks the actor's role itself, and keeps one enabled administrator whatever the concurrency.
 */
class UserAccountsIntegrationTests extends IntegrationTest {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** Rounds of the race; the unlocked count-then-update lost it within a few. */
	static final int ROUNDS = 40;

	@Autowired
	UserAccounts accounts;

	@Autowired
	Users users;

	@Autowired
	ApiTokens tokens;

	@Autowired
	DatabaseClient db;

	@Test
	void createAndUpdateCalledDirectlyShouldRefuseActorsBelowAdminAndChangeNothing() {
		String username = "direct-" + suffix();
		createUser(username, Role.VIEWER);
		for (Role role : List.of(Role.VIEWER, Role.AUTHOR, Role.REVIEWER)) {
			Actor actor = new Actor("direct-" + role.name().toLowerCase() + "-" + suffix(), Actor.Kind.USER, role, null,
					"192.0.2.8");
			assertThatThrownBy(() -> this.accounts.create(actor, "made-" + suffix(), null, Role.ADMIN,
					"long enough password").block(TIMEOUT))
				.isInstanceOfSatisfying(Forbidden.class, (forbidden) -> assertThat(forbidden.action()).isEqualTo("user.create"));
			assertThatThrownBy(() -> this.accounts
				.update(actor, username, new UserAccounts.Change(null, Role.ADMIN, null, "long enough password"))
				.block(TIMEOUT))
				.isInstanceOfSatisfying(Forbidden.class, (forbidden) -> {
					assertThat(forbidden.action()).isEqualTo("user.update");
					assertThat(forbidden.required()).isEqualTo(Role.ADMIN);
				});
			assertThat(this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.denied' AND actor = :a "
					+ "AND target IN ('user.create', 'user.update') AND details->>'required' = 'ADMIN'")
				.bind("a", actor.username()).map((row) -> row.get("n", Long.class)).one().block(TIMEOUT)).isEqualTo(2L);
		}
		assertThatThrownBy(() -> this.accounts
			.update(Actor.ANONYMOUS.withAddress("192.0.2.8"), username, new UserAccounts.Change(null, Role.ADMIN, null, null))
			.block(TIMEOUT)).isInstanceOf(Forbidden.class);
		UserRow row = this.users.findByUsername(username).block(TIMEOUT);
		assertThat(row.role()).isEqualTo(Role.VIEWER);
		assertThat(this.users.list(null, 10_000).filter((user) -> user.username().startsWith("made-")).count()
			.block(TIMEOUT)).isZero();
		// an administrator may
		this.accounts.update(new Actor("direct-admin", Actor.Kind.USER, Role.ADMIN, null, "192.0.2.8"), username,
				new UserAccounts.Change(null, Role.AUTHOR, null, null)).block(TIMEOUT);
		assertThat(this.users.findByUsername(username).block(TIMEOUT).role()).isEqualTo(Role.AUTHOR);
	}

	@Test
	void lastEnabledAdministratorShouldBeNeitherDemotedNorDisabled() {
		withOnlyTheseAdmins(2, (admins) -> {
			as(admins.get(0).username(), PASSWORD).patch().uri("/api/v1/users/" + admins.get(1).username())
				.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("enabled", false)).exchange()
				.expectStatus().isOk();
			as(admins.get(0).username(), PASSWORD).patch().uri("/api/v1/users/" + admins.get(0).username())
				.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("role", "VIEWER")).exchange()
				.expectStatus().isEqualTo(409)
				.expectBody().jsonPath("$.type").isEqualTo("/problems/last-admin");
			as(admins.get(0).username(), PASSWORD).patch().uri("/api/v1/users/" + admins.get(0).username())
				.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("enabled", false)).exchange()
				.expectStatus().isEqualTo(409);
			return null;
		});
	}

	@Test
	void twoAdministratorsDemotingEachOtherAtOnceShouldLeaveOneAdministrator() {
		withOnlyTheseAdmins(2, (admins) -> {
			UserRow a = admins.get(0);
			UserRow b = admins.get(1);
			String tokenA = this.tokens.create(a.toSignedIn(), "race", null, "test").block(TIMEOUT).secret();
			String tokenB = this.tokens.create(b.toSignedIn(), "race", null, "test").block(TIMEOUT).secret();
			ExecutorService pool = Executors.newFixedThreadPool(2);
			try {
				List<String> outcomes = new ArrayList<>();
				for (int round = 0; round < ROUNDS; round++) {
					CyclicBarrier start = new CyclicBarrier(2);
					Future<Integer> aDemotesB = pool.submit(demote(tokenA, b.username(), start));
					Future<Integer> bDemotesA = pool.submit(demote(tokenB, a.username(), start));
					int first = aDemotesB.get(60, TimeUnit.SECONDS);
					int second = bDemotesA.get(60, TimeUnit.SECONDS);
					outcomes.add(first + "/" + second);
					assertThat(enabledAdmins()).as("round " + round + ": " + outcomes).isNotEmpty();
					// the demoted one is an administrator again for the next round
					this.db.sql("UPDATE app_user SET role = 'ADMIN' WHERE id IN (:a, :b)").bind("a", a.id())
						.bind("b", b.id()).then().block(TIMEOUT);
				}
				// one of each pair won: the other was refused as the last administrator, or as no longer one
				assertThat(outcomes).allSatisfy((outcome) -> assertThat(outcome).isIn("200/409", "409/200", "200/403",
						"403/200"));
			}
			finally {
				pool.shutdownNow();
			}
			return null;
		});
	}

	private Callable<Integer> demote(String token, String username, CyclicBarrier start) {
		return () -> {
			start.await(30, TimeUnit.SECONDS);
			return anonymous().patch().uri("/api/v1/users/" + username).header("Authorization", "Bearer " + token)
				.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("role", "VIEWER")).exchange()
				.returnResult(String.class).getStatus().value();
		};
	}

	interface WithAdmins {

		Object run(List<UserRow> admins) throws Exception;

	}

	/**
	 * Runs {@code test} while the only enabled administrators are {@code count} new users: the database's other
	 * administrators are disabled meanwhile and enabled again afterwards.
	 */
	private void withOnlyTheseAdmins(int count, WithAdmins test) {
		List<Long> others = enabledAdmins();
		List<UserRow> admins = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String username = "only-admin-" + suffix();
			createUser(username, Role.ADMIN);
			admins.add(this.users.findByUsername(username).block(TIMEOUT));
		}
		this.db.sql("UPDATE app_user SET enabled = false WHERE id IN (:ids)").bind("ids", others).then().block(TIMEOUT);
		try {
			test.run(admins);
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
		finally {
			this.db.sql("UPDATE app_user SET enabled = true WHERE id IN (:ids)").bind("ids", others).then()
				.block(TIMEOUT);
			this.db.sql("UPDATE app_user SET enabled = false WHERE id IN (:ids)")
				.bind("ids", admins.stream().map(UserRow::id).toList()).then().block(TIMEOUT);
		}
	}

	private List<Long> enabledAdmins() {
		return this.db.sql("SELECT id FROM app_user WHERE role = 'ADMIN' AND enabled")
			.map((row) -> row.get("id", Long.class)).all().collectList().block(TIMEOUT);
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
