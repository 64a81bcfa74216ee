package dev.portcullis.publish.git;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.jspecify.annotations.Nullable;

/**
 * One operation's SSH transport for a target (JGit over Apache MINA sshd): the target's private key, and its known
 * hosts as the only host keys trusted. Nothing is read from or written to the server's {@code ~/.ssh}: no
 * {@code config}, no default identities, no agent, no {@code known_hosts} (JGit's default would add unknown keys to
 * it). A host key that is neither in the target's known-hosts lines nor pinned by fingerprint is refused, and
 * {@link #refusal()} says which key it was, so that the user can check and add it.
 * <p>
 * Credentials ({@code auth.type} {@code ssh-key}): {@code privateKey} (OpenSSH or PEM), {@code passphrase} (when the
 * key is encrypted) and {@code knownHosts}: lines in OpenSSH {@code known_hosts} format (plain or hashed host
 * patterns, {@code [host]:port}, {@code @revoked}) and/or pinned fingerprints ({@code SHA256:...}, as
 * {@code ssh-keygen -lf} prints them).
 */
final class SshAccess implements AutoCloseable {

	private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}=?");

	private final SshdSessionFactory factory;

	private final HostKeys hostKeys;

	private final List<KeyPair> keys;

	private SshAccess(SshdSessionFactory factory, HostKeys hostKeys, List<KeyPair> keys) {
		this.factory = factory;
		this.hostKeys = hostKeys;
		this.keys = keys;
	}

	/**
	 * The transport for {@code uri} with {@code target}'s key and known hosts; a {@link PublishFailure} in words
	 * (never quoting a secret) when they are missing or unreadable.
	 */
	static SshAccess open(Target target, URIish uri) {
		String privateKey = target.credential("privateKey");
		if (privateKey == null) {
			throw new PublishFailure("An SSH target needs its private key (auth.privateKey).");
		}
		String knownHosts = target.credential("knownHosts");
		if (knownHosts == null) {
			throw new PublishFailure("An SSH target needs the repository host's key (auth.knownHosts): a line of"
					+ " known_hosts (ssh-keyscan " + uri.getHost() + ") or its SHA256 fingerprint. Host keys are"
					+ " never accepted unchecked.");
		}
		List<KeyPair> keys = keys(privateKey, target.credential("passphrase"));
		HostKeys hostKeys = HostKeys.parse(knownHosts, uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 22);
		// no home: nothing of the server's own ~/.ssh may be used; every default below is replaced
		File nowhere = new File(System.getProperty("java.io.tmpdir"), "portcullis-ssh-no-home");
		SshdSessionFactory factory = new SshdSessionFactoryBuilder().setHomeDirectory(nowhere)
			.setSshDirectory(nowhere)
			.setConfigStoreFactory((home, config, user) -> null)
			.setDefaultIdentities((dir) -> List.of())
			.setDefaultKnownHostsFiles((dir) -> List.of())
			.setDefaultKeysProvider((dir) -> keys)
			.setServerKeyDatabase((home, dir) -> hostKeys)
			.setPreferredAuthentications("publickey")
			.setConnectorFactory(null)
			.build(null);
		return new SshAccess(factory, hostKeys, keys);
	}

	/** Makes {@code transport} use this access when it is an SSH transport. */
	void configure(Transport transport) {
		if (transport instanceof SshTransport ssh) {
			ssh.setSshSessionFactory(this.factory);
		}
	}

	/** Why the server's host key was refused, or null when it was not. */
	@Nullable String refusal() {
		return this.hostKeys.refusal;
	}

	/** The fingerprints of the target's public keys, for messages ("is this key registered?"). */
	String keyFingerprints() {
		List<String> out = new ArrayList<>();
		for (KeyPair pair : this.keys) {
			out.add(KeyUtils.getKeyType(pair.getPublic()) + " " + KeyUtils.getFingerPrint(pair.getPublic()));
		}
		return String.join(", ", out);
	}

	@Override
	public void close() {
		this.factory.close();
	}

	/** The key pairs of an OpenSSH or PEM private key, decrypted with the passphrase when there is one. */
	static List<KeyPair> keys(String privateKey, @Nullable String passphrase) {
		String text = privateKey.strip().replace("\r\n", "\n") + "\n";
		if (text.startsWith("ssh-") || text.startsWith("ecdsa-")) {
			throw new PublishFailure("The private key (auth.privateKey) is a public key: paste the private key"
					+ " (the file without .pub), and register the public key with the repository.");
		}
		List<KeyPair> keys = new ArrayList<>();
		try (InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))) {
			FilePasswordProvider password = (passphrase != null) ? FilePasswordProvider.of(passphrase)
					: FilePasswordProvider.EMPTY;
			Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("privateKey"),
					in, password);
			if (loaded != null) {
				loaded.forEach(keys::add);
			}
		}
		catch (IOException | GeneralSecurityException | RuntimeException ex) {
			// the library's message may quote the key material: say it in our own words
			throw new PublishFailure((passphrase == null)
					? "The private key (auth.privateKey) cannot be read: it is not an OpenSSH or PEM private key, or"
							+ " it is encrypted and needs its passphrase (auth.passphrase)."
					: "The private key (auth.privateKey) cannot be read with the passphrase given (auth.passphrase):"
							+ " the passphrase is wrong, or the text is not an OpenSSH or PEM private key.");
		}
		if (keys.isEmpty()) {
			throw new PublishFailure("The private key (auth.privateKey) holds no key: paste an OpenSSH (BEGIN OPENSSH"
					+ " PRIVATE KEY) or PEM private key.");
		}
		return List.copyOf(keys);
	}

	/**
	 * The host keys a target trusts: known_hosts entries for its host and pinned fingerprints. Accepts a server key
	 * only when it is one of them and not revoked; remembers the refused key for the message.
	 */
	static final class HostKeys implements ServerKeyDatabase {

		private final List<KnownHostEntry> entries;

		private final Map<KnownHostEntry, PublicKey> resolved;

		private final Set<String> fingerprints;

		private final String host;

		private final int port;

		private volatile @Nullable String refusal;

		private HostKeys(List<KnownHostEntry> entries, Map<KnownHostEntry, PublicKey> resolved,
				Set<String> fingerprints, String host, int port) {
			this.entries = entries;
			this.resolved = resolved;
			this.fingerprints = fingerprints;
			this.host = host;
			this.port = port;
		}

		/** The known-hosts text for {@code host:port}; a {@link PublishFailure} naming the line it cannot read. */
		static HostKeys parse(String text, String host, int port) {
			List<KnownHostEntry> entries = new ArrayList<>();
			Map<KnownHostEntry, PublicKey> resolved = new java.util.IdentityHashMap<>();
			Set<String> fingerprints = new LinkedHashSet<>();
			String[] lines = text.split("\\r?\\n");
			for (int i = 0; i < lines.length; i++) {
				String line = lines[i].strip();
				if (line.isEmpty() || line.startsWith("#")) {
					continue;
				}
				String where = "Line " + (i + 1) + " of the known hosts (auth.knownHosts)";
				if (line.startsWith("SHA256:")) {
					if (!FINGERPRINT.matcher(line).matches()) {
						throw new PublishFailure(where + " is not a SHA256 fingerprint (SHA256: and 43 characters of"
								+ " base64, as ssh-keygen -lf prints it).");
					}
					fingerprints.add(line.replaceAll("=$", ""));
					continue;
				}
				if (line.startsWith("MD5:")) {
					throw new PublishFailure(where + " is an MD5 fingerprint: give the SHA256 one (ssh-keygen -lf).");
				}
				KnownHostEntry entry;
				PublicKey key;
				try {
					entry = KnownHostEntry.parseKnownHostEntry(line);
					key = (entry != null && entry.getKeyEntry() != null)
							? entry.getKeyEntry().resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING)
							: null;
				}
				catch (IOException | GeneralSecurityException | RuntimeException ex) {
					entry = null;
					key = null;
				}
				if (entry == null || key == null) {
					throw new PublishFailure(where + " is neither a known_hosts line (host key-type key, as"
							+ " ssh-keyscan prints it) nor a SHA256 fingerprint.");
				}
				if (entry.getMarker() != null && !"revoked".equals(entry.getMarker())) {
					throw new PublishFailure(where + " is a @" + entry.getMarker()
							+ " line; only host keys (and @revoked) are supported.");
				}
				entries.add(entry);
				resolved.put(entry, key);
			}
			if (entries.isEmpty() && fingerprints.isEmpty()) {
				throw new PublishFailure("The known hosts (auth.knownHosts) hold no host key: add the line ssh-keyscan"
						+ " prints for " + host + " or the key's SHA256 fingerprint.");
			}
			return new HostKeys(List.copyOf(entries), resolved, Set.copyOf(fingerprints), host, port);
		}

		@Override
		public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress,
				Configuration config) {
			List<PublicKey> keys = new ArrayList<>();
			for (KnownHostEntry entry : this.entries) {
				if (entry.getMarker() == null && entry.isHostMatch(this.host, this.port)) {
					keys.add(this.resolved.get(entry));
				}
			}
			return keys;
		}

		@Override
		public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
				Configuration config, @Nullable CredentialsProvider provider) {
			String fingerprint = KeyUtils.getFingerPrint(serverKey);
			String shown = KeyUtils.getKeyType(serverKey) + " " + fingerprint;
			boolean known = this.fingerprints.contains(fingerprint);
			for (KnownHostEntry entry : this.entries) {
				if (entry.isHostMatch(this.host, this.port) && KeyUtils.compareKeys(this.resolved.get(entry), serverKey)) {
					if ("revoked".equals(entry.getMarker())) {
						this.refusal = "The host key of " + address() + " (" + shown + ") is marked @revoked in the"
								+ " target's known hosts: the connection was refused.";
						return false;
					}
					known = true;
				}
			}
			if (!known) {
				this.refusal = "The host key of " + address() + " (" + shown + ") is not among the target's known"
						+ " hosts (auth.knownHosts): the connection was refused. If you trust this key (check it with"
						+ " the repository's administrator), add it.";
			}
			return known;
		}

		private String address() {
			return (this.port == 22) ? this.host : "[" + this.host + "]:" + this.port;
		}

	}

}
