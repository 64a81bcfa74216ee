package dev.portcullis.publish.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Git's smart HTTP protocol served by the real {@code git http-backend} (as CGI) from a JDK HTTP server, with HTTP
 * Basic authentication: the stand-in for GitHub or GitLab over HTTPS. {@link #beforeReceivePack} runs once when the
 * next push asks for the branch list, before it is answered (to push something else first, as a colleague would).
 */
public final class GitHttpServer implements AutoCloseable {

	private final HttpServer server;

	private final Path root;

	private final String user;

	private final String password;

	final AtomicReference<Runnable> beforeReceivePack = new AtomicReference<>();

	public GitHttpServer(Path root, String user, String password) throws IOException {
		this.root = root;
		this.user = user;
		this.password = password;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", this::handle);
		this.server.setExecutor(Executors.newFixedThreadPool(4));
		this.server.start();
	}

	/** The URL of the repository {@code name} (a bare repository directly under the root). */
	public String url(String name) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/" + name;
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String expected = "Basic " + Base64.getEncoder()
				.encodeToString((this.user + ":" + this.password).getBytes(StandardCharsets.UTF_8));
			if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
				exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
				exchange.sendResponseHeaders(401, -1);
				return;
			}
			String query = exchange.getRequestURI().getRawQuery();
			if ("service=git-receive-pack".equals(query)) {
				Runnable before = this.beforeReceivePack.getAndSet(null);
				if (before != null) {
					before.run();
				}
			}
			ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
			Map<String, String> env = builder.environment();
			env.put("GIT_PROJECT_ROOT", this.root.toString());
			env.put("GIT_HTTP_EXPORT_ALL", "1");
			env.put("REMOTE_USER", this.user);
			env.put("REMOTE_ADDR", "127.0.0.1");
			env.put("REQUEST_METHOD", exchange.getRequestMethod());
			env.put("PATH_INFO", exchange.getRequestURI().getRawPath());
			env.put("QUERY_STRING", (query != null) ? query : "");
			String type = exchange.getRequestHeaders().getFirst("Content-Type");
			env.put("CONTENT_TYPE", (type != null) ? type : "");
			for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
				env.put("HTTP_" + header.getKey().toUpperCase().replace('-', '_'), String.join(",", header.getValue()));
			}
			byte[] body = exchange.getRequestBody().readAllBytes();
			env.put("CONTENT_LENGTH", Integer.toString(body.length));
			Process process = builder.start();
			try (OutputStream in = process.getOutputStream()) {
				in.write(body);
			}
			process.getErrorStream().transferTo(OutputStream.nullOutputStream());
			byte[] output;
			try (InputStream out = process.getInputStream()) {
				output = out.readAllBytes();
			}
			int split = indexOf(output, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			int skip = 4;
			if (split < 0) {
				split = indexOf(output, "\n\n".getBytes(StandardCharsets.US_ASCII));
				skip = 2;
			}
			String head = new String(output, 0, split, StandardCharsets.ISO_8859_1);
			int status = 200;
			for (String line : head.split("\r?\n")) {
				int colon = line.indexOf(':');
				String name = line.substring(0, colon).trim();
				String value = line.substring(colon + 1).trim();
				if (name.equalsIgnoreCase("Status")) {
					status = Integer.parseInt(value.substring(0, 3));
				}
				else {
					exchange.getResponseHeaders().add(name, value);
				}
			}
			ByteArrayOutputStream rest = new ByteArrayOutputStream();
			rest.write(output, split + skip, output.length - split - skip);
			exchange.sendResponseHeaders(status, (rest.size() == 0) ? -1 : rest.size());
			if (rest.size() > 0) {
				exchange.getResponseBody().write(rest.toByteArray());
			}
			process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int indexOf(byte[] data, byte[] pattern) {
		outer: for (int i = 0; i <= data.length - pattern.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (data[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
