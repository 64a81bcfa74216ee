package dev.portcullis.publish.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.jspecify.annotations.Nullable;

/**
 * A real SSH Git server for tests: Apache MINA sshd (the same library the client uses) on a free local port, public
 * key authentication only (user {@code git}, the keys given), serving the bare repositories below {@code root} with
 * JGit's server side {@code git-upload-pack} and {@code git-receive-pack}.
 */
public final class GitSshServer implements AutoCloseable {

	public static final String USER = "git";

	public final KeyPair hostKey;

	/** The commands the server ran ({@code git-upload-pack '/ops.git'}, ...). */
	public final List<String> commands = new CopyOnWriteArrayList<>();

	private final List<PublicKey> authorized = new CopyOnWriteArrayList<>();

	private final SshServer server;

	public GitSshServer(Path root, PublicKey... authorized) throws Exception {
		this.hostKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
		this.server = SshServer.setUpDefaultServer();
		this.server.setHost("127.0.0.1");
		this.server.setPort(0);
		this.server.setKeyPairProvider(KeyPairProvider.wrap(this.hostKey));
		this.server.setPasswordAuthenticator(null);
		this.server.setKeyboardInteractiveAuthenticator(null);
		this.authorized.addAll(List.of(authorized));
		this.server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user)
				&& this.authorized.stream().anyMatch((allowed) -> KeyUtils.compareKeys(allowed, key)));
		this.server.setCommandFactory((channel, command) -> {
			this.commands.add(command);
			return new GitCommand(root, command);
		});
		this.server.start();
	}

	/** From now on only {@code keys} may sign in (a deploy key removed, another added). */
	public void authorizeOnly(PublicKey... keys) {
		this.authorized.clear();
		this.authorized.addAll(List.of(keys));
	}

	public int port() {
		return this.server.getPort();
	}

	public String url(String repository) {
		return "ssh://" + USER + "@127.0.0.1:" + port() + "/" + repository;
	}

	/** The server's line for a known_hosts file: {@code [127.0.0.1]:port ecdsa-sha2-nistp256 AAAA...}. */
	public String knownHostsLine() {
		return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(this.hostKey.getPublic());
	}

	public String fingerprint() {
		return KeyUtils.getFingerPrint(this.hostKey.getPublic());
	}

	/** A new client key pair ({@code ssh-ed25519}, or {@code ecdsa-sha2-nistp256}, {@code ssh-rsa}). */
	public static KeyPair keyPair(String type) {
		try {
			return KeyUtils.generateKeyPair(type, type.equals(KeyPairProvider.SSH_RSA) ? 2048 : 256);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The key in OpenSSH's format ({@code BEGIN OPENSSH PRIVATE KEY}), encrypted when a passphrase is given. */
	public static String openSsh(KeyPair key, @Nullable String passphrase) {
		OpenSSHKeyEncryptionContext encryption = null;
		if (passphrase != null) {
			encryption = new OpenSSHKeyEncryptionContext();
			encryption.setCipherName("AES");
			encryption.setCipherMode("CTR");
			encryption.setCipherType("256");
			encryption.setPassword(passphrase);
		}
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "portcullis-test", encryption, out);
			return out.toString(StandardCharsets.UTF_8);
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() throws IOException {
		this.server.stop(true);
	}

	/** {@code git-upload-pack '<path>'} or {@code git-receive-pack '<path>'} on a bare repository below the root. */
	private static final class GitCommand implements Command, Runnable {

		private final Path root;

		private final String command;

		private InputStream in;

		private OutputStream out;

		private OutputStream err;

		private ExitCallback exit;

		GitCommand(Path root, String command) {
			this.root = root;
			this.command = command;
		}

		@Override
		public void setInputStream(InputStream in) {
			this.in = in;
		}

		@Override
		public void setOutputStream(OutputStream out) {
			this.out = out;
		}

		@Override
		public void setErrorStream(OutputStream err) {
			this.err = err;
		}

		@Override
		public void setExitCallback(ExitCallback exit) {
			this.exit = exit;
		}

		@Override
		public void start(ChannelSession channel, Environment env) {
			Thread thread = new Thread(this, "git-ssh-command");
			thread.setDaemon(true);
			thread.start();
		}

		@Override
		public void run() {
			int status = 0;
			try {
				int space = this.command.indexOf(' ');
				String verb = this.command.substring(0, space);
				String path = this.command.substring(space + 1).replace("'", "").replaceAll("^/+", "");
				Path dir = this.root.resolve(path).normalize();
				if (!dir.startsWith(this.root)) {
					throw new IOException("outside the root: " + path);
				}
				try (Repository repository = new FileRepositoryBuilder().setGitDir(dir.toFile())
					.setMustExist(true)
					.build()) {
					switch (verb) {
						case "git-upload-pack" -> new UploadPack(repository).upload(this.in, this.out, this.err);
						case "git-receive-pack" -> new ReceivePack(repository).receive(this.in, this.out, this.err);
						default -> throw new IOException("unknown command " + verb);
					}
				}
			}
			catch (Exception ex) {
				status = 1;
				try {
					this.err.write((ex.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
					this.err.flush();
				}
				catch (IOException ignored) {
					// the client went away
				}
			}
			this.exit.onExit(status);
		}

		@Override
		public void destroy(ChannelSession channel) {
		}

	}

}
