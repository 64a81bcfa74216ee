package dev.portcullis.publish.git;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.publish.Applied;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Git adapter over SSH against a real SSH server started in the test ({@link GitSshServer}: Apache MINA sshd
 * with JGit's upload-pack and receive-pack, public key authentication only) serving bare repositories on disk.
 */
class GitAdapterSshTests {

	private static final String PASSPHRASE = "correct horse battery staple";

	@TempDir
	Path dir;

	private GitAdapter adapter;

	@BeforeEach
	void adapter() {
		this.adapter = new GitAdapter(new GitSettings(false, Duration.ofSeconds(20), this.dir.resolve("cache").toString(),
				5));
	}

	@Test
	void publishOverSshWithAnEd25519KeyShouldPushOneCommit() throws Exception {
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.SSH_ED25519);
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (GitSshServer server = new GitSshServer(this.dir, key.getPublic())) {
			Target target = sshTarget(server.url("ops.git"), GitSshServer.openSsh(key, null), null,
					server.knownHostsLine());
			this.adapter.check(target);

			Applied applied = publishOnePolicy(target);

			assertThat(GitAdapterTests.head(bare, "main").name()).isEqualTo(applied.commit());
			assertThat(GitAdapterTests.fileAt(bare, "main", "a/ciliumnetworkpolicy-web.yaml")).contains("name: web");
			assertThat(server.commands).contains("git-receive-pack '/ops.git'");
		}
	}

	@Test
	void publishWithAPassphraseProtectedKeyAndAPinnedFingerprintShouldPush() throws Exception {
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.ECDSA_SHA2_NISTP256);
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (GitSshServer server = new GitSshServer(this.dir, key.getPublic())) {
			Target target = sshTarget(server.url("ops.git"), GitSshServer.openSsh(key, PASSPHRASE), PASSPHRASE,
					"# pinned\n" + server.fingerprint() + "\n");

			Applied applied = publishOnePolicy(target);

			assertThat(GitAdapterTests.head(bare, "main").name()).isEqualTo(applied.commit());
		}
	}

	@Test
	void publishWithAPemKeyShouldPush() throws Exception {
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.SSH_RSA);
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(key.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (GitSshServer server = new GitSshServer(this.dir, key.getPublic())) {
			Target target = sshTarget(server.url("ops.git"), pem, null, server.knownHostsLine());

			Applied applied = publishOnePolicy(target);

			assertThat(GitAdapterTests.head(bare, "main").name()).isEqualTo(applied.commit());
		}
	}

	@Test
	void aKeyTheServerDoesNotKnowShouldFailInWordsWithoutTheKey() throws Exception {
		KeyPair registered = GitSshServer.keyPair(KeyPairProvider.SSH_ED25519);
		KeyPair other = GitSshServer.keyPair(KeyPairProvider.SSH_ED25519);
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		ObjectId before = GitAdapterTests.head(bare, "main");
		try (GitSshServer server = new GitSshServer(this.dir, registered.getPublic())) {
			String privateKey = GitSshServer.openSsh(other, PASSPHRASE);
			Target target = sshTarget(server.url("ops.git"), privateKey, PASSPHRASE, server.knownHostsLine());

			assertThatExceptionOfType(PublishFailure.class)
				.isThrownBy(() -> this.adapter.plan(target, List.of(GitAdapterTests.policy("a", "web", "80"))))
				.satisfies((ex) -> assertThat(ex.getMessage())
					.contains("refused the SSH key", KeyUtils.getFingerPrint(other.getPublic()), "user git")
					.doesNotContain(PASSPHRASE, "PRIVATE KEY", privateKey.lines().skip(1).findFirst().get()));
			assertThat(server.commands).isEmpty();
			assertThat(GitAdapterTests.head(bare, "main")).isEqualTo(before);
		}
	}

	@Test
	void aHostKeyNotAmongTheKnownHostsShouldBeRefusedBeforeAuthenticating() throws Exception {
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.SSH_ED25519);
		KeyPair impostor = GitSshServer.keyPair(KeyPairProvider.ECDSA_SHA2_NISTP256);
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		ObjectId before = GitAdapterTests.head(bare, "main");
		try (GitSshServer server = new GitSshServer(this.dir, key.getPublic())) {
			String otherHostLine = "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(impostor.getPublic());
			Target target = sshTarget(server.url("ops.git"), GitSshServer.openSsh(key, null), null, otherHostLine);

			assertThatExceptionOfType(PublishFailure.class)
				.isThrownBy(() -> this.adapter.apply(target,
						new dev.portcullis.publish.Plan(List.of(), List.of(GitAdapterTests.policy("a", "web", "80")),
								null),
						GitAdapterTests.publication(1)))
				.withMessageContaining("The host key of [127.0.0.1]:" + server.port())
				.withMessageContaining(server.fingerprint())
				.withMessageContaining("is not among the target's known hosts");
			assertThat(server.commands).isEmpty();
			assertThat(GitAdapterTests.head(bare, "main")).isEqualTo(before);
		}
	}

	@Test
	void aKnownHostsLineForAnotherHostOrPortShouldNotBeTrusted() throws Exception {
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.SSH_ED25519);
		TestRepositories.bare(this.dir, "ops.git");
		try (GitSshServer server = new GitSshServer(this.dir, key.getPublic())) {
			// the right key, listed for the default port 22 only
			String wrongPort = "127.0.0.1 " + PublicKeyEntry.toString(server.hostKey.getPublic());
			Target target = sshTarget(server.url("ops.git"), GitSshServer.openSsh(key, null), null, wrongPort);

			assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> this.adapter.check(target))
				.withMessageContaining("is not among the target's known hosts");
		}
	}

	@Test
	void aWrongOrMissingPassphraseShouldBeSaidWithoutTheKey() throws Exception {
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.SSH_ED25519);
		String encrypted = GitSshServer.openSsh(key, PASSPHRASE);

		assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> SshAccess.keys(encrypted, null))
			.withMessage("The private key (auth.privateKey) cannot be read: it is not an OpenSSH or PEM private key,"
					+ " or it is encrypted and needs its passphrase (auth.passphrase).");
		assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> SshAccess.keys(encrypted, "not it"))
			.withMessageStartingWith("The private key (auth.privateKey) cannot be read with the passphrase given");
		assertThat(SshAccess.keys(encrypted, PASSPHRASE)).singleElement()
			.satisfies((pair) -> assertThat(KeyUtils.compareKeys(pair.getPublic(), key.getPublic())).isTrue());
		assertThatExceptionOfType(PublishFailure.class)
			.isThrownBy(() -> SshAccess.keys(PublicKeyEntry.toString(key.getPublic()), null))
			.withMessageContaining("is a public key");
	}

	@Test
	void anEncryptedPemKeyShouldBeReadWithItsPassphraseOnly() throws Exception {
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.SSH_RSA);
		java.io.StringWriter text = new java.io.StringWriter();
		try (org.bouncycastle.openssl.jcajce.JcaPEMWriter pem = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(text)) {
			pem.writeObject(key.getPrivate(), new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-128-CBC")
				.build(PASSPHRASE.toCharArray()));
		}
		assertThat(text.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----").contains("Proc-Type: 4,ENCRYPTED");

		assertThat(SshAccess.keys(text.toString(), PASSPHRASE)).singleElement()
			.satisfies((pair) -> assertThat(KeyUtils.compareKeys(pair.getPublic(), key.getPublic())).isTrue());
		assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> SshAccess.keys(text.toString(), "nope"))
			.withMessageStartingWith("The private key (auth.privateKey) cannot be read with the passphrase given");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			ssh://git@example.com/ops.git        | ssh-key |
			ssh://git@example.com:2222/org/ops   | ssh-key |
			git@example.com:org/ops.git          | ssh-key |
			ssh://example.com/ops.git            | ssh-key | The SSH repository URL needs the SSH user (most Git hosts use git)
			ssh://git:pw@example.com/ops.git     | ssh-key | The repository URL must not carry a password
			git@example.com:org/ops.git          | token   | An SSH repository URL needs auth.type ssh-key
			https://example.com/ops.git          | ssh-key | auth.type ssh-key needs an SSH repository URL
			ftp://example.com/ops.git            | none    | or be an SSH URL: ssh://git@host[:port]/path.git
			""")
	void sshUrlsShouldBeReadOrRefusedInWords(String url, String auth, String refused) {
		Target target = new Target("prod", "gitops", "git", Map.of("url", url, "auth.type", auth), Map.of());
		if (refused == null) {
			assertThat(this.adapter.where(target).ssh()).isNotNull()
				.satisfies((uri) -> assertThat(uri.getUser()).isEqualTo("git"));
			return;
		}
		assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> {
			this.adapter.where(target);
			this.adapter.check(target);
		}).withMessageContaining(refused);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			''                                  | The known hosts (auth.knownHosts) hold no host key
			'# only a comment'                  | The known hosts (auth.knownHosts) hold no host key
			'SHA256:short'                      | Line 1 of the known hosts (auth.knownHosts) is not a SHA256 fingerprint
			'MD5:12:34'                         | is an MD5 fingerprint: give the SHA256 one
			'example.com not-a-key AAAA'        | Line 1 of the known hosts (auth.knownHosts) is neither a known_hosts line
			""")
	void knownHostsThatHoldNoUsableHostKeyShouldBeRefusedInWords(String knownHosts, String refused) {
		assertThatExceptionOfType(PublishFailure.class)
			.isThrownBy(() -> SshAccess.HostKeys.parse(knownHosts, "example.com", 22))
			.withMessageContaining(refused);
	}

	@Test
	void anSshTargetWithoutKnownHostsShouldBeRefusedBeforeConnecting() throws Exception {
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.SSH_ED25519);
		Map<String, String> credentials = new HashMap<>();
		credentials.put("privateKey", GitSshServer.openSsh(key, null));
		Target target = new Target("prod", "gitops", "git",
				Map.of("url", "ssh://git@127.0.0.1:1/ops.git", "auth.type", "ssh-key"), credentials);

		assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> this.adapter.check(target))
			.withMessageStartingWith("An SSH target needs the repository host's key (auth.knownHosts)")
			.withMessageContaining("Host keys are never accepted unchecked");
	}

	private Applied publishOnePolicy(Target target) {
		return this.adapter.apply(target, this.adapter.plan(target, List.of(GitAdapterTests.policy("a", "web", "80"))),
				GitAdapterTests.publication(1));
	}

	static Target sshTarget(String url, String privateKey, String passphrase, String knownHosts) {
		Map<String, String> credentials = new HashMap<>();
		credentials.put("privateKey", privateKey);
		credentials.put("knownHosts", knownHosts);
		if (passphrase != null) {
			credentials.put("passphrase", passphrase);
		}
		return new Target(1, "prod", "gitops", "git", Map.of("url", url, "branch", "main", "auth.type", "ssh-key"),
				credentials);
	}

}
