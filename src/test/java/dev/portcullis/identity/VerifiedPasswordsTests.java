package dev.portcullis.identity;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedPasswordsTests {

	static final UserRow ALICE = new UserRow(7, "alice", "Alice", "{argon2}hash-1", Role.AUTHOR, true, Instant.EPOCH,
			null, null, 3);

	@Test
	void verifiedShouldHoldOnlyForTheRowThePasswordWasVerifiedAgainst() {
		VerifiedPasswords passwords = new VerifiedPasswords();
		String key = passwords.key("alice", "secret");
		assertThat(passwords.verified(key, ALICE)).isFalse();
		passwords.remember(key, ALICE);
		assertThat(passwords.verified(key, ALICE)).isTrue();
		assertThat(passwords.verified(key, ALICE.with("Alice B.", Role.AUTHOR, true, "{argon2}hash-1"))).isTrue();
	}

	@Test
	void aChangedRowShouldEndTheEntry() {
		VerifiedPasswords passwords = new VerifiedPasswords();
		String key = passwords.key("alice", "secret");
		UserRow nextEpoch = new UserRow(7, "alice", "Alice", "{argon2}hash-1", Role.AUTHOR, true, Instant.EPOCH, null,
				null, 4);
		for (UserRow changed : new UserRow[] { nextEpoch, ALICE.with("Alice", Role.AUTHOR, true, "{argon2}hash-2"),
				ALICE.with("Alice", Role.AUTHOR, false, "{argon2}hash-1"),
				new UserRow(8, "alice", "Alice", "{argon2}hash-1", Role.AUTHOR, true, Instant.EPOCH, null, null, 3) }) {
			passwords.remember(key, ALICE);
			assertThat(passwords.verified(key, changed)).as(changed.toString()).isFalse();
			assertThat(passwords.remembers(key)).as("forgotten once it did not match").isFalse();
		}
	}

	@Test
	void keysShouldDependOnUsernameAndPasswordAndOnTheProcess() {
		VerifiedPasswords passwords = new VerifiedPasswords();
		assertThat(passwords.key("Alice", "secret")).isEqualTo(passwords.key("alice", "secret"));
		assertThat(passwords.key("alice", "secret")).isNotEqualTo(passwords.key("alice", "secret "))
			.isNotEqualTo(passwords.key("bob", "secret"))
			.isNotEqualTo(new VerifiedPasswords().key("alice", "secret"))
			.doesNotContain("secret");
	}

	@Test
	void aDisabledUserOrOneWithoutPasswordShouldNotBeRemembered() {
		VerifiedPasswords passwords = new VerifiedPasswords();
		String key = passwords.key("alice", "secret");
		passwords.remember(key, ALICE.with("Alice", Role.AUTHOR, false, "{argon2}hash-1"));
		assertThat(passwords.remembers(key)).isFalse();
		passwords.remember(key, ALICE.with("Alice", Role.AUTHOR, true, null));
		assertThat(passwords.remembers(key)).isFalse();
	}

}
