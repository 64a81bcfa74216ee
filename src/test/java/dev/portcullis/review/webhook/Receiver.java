package dev.portcullis.review.webhook;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a random loopback port that records every request and answers with the statuses queued
 * with {@link #answer}, then 200.
 */
final class Receiver implements AutoCloseable {

	/** One received request: its headers (lower-case names, first value) and body. */
	record Request(Map<String, String> headers, String body) {

		String header(String name) {
			return this.headers.get(name.toLowerCase(java.util.Locale.ROOT));
		}

	}

	private final HttpServer server;

	final List<Request> requests = new CopyOnWriteArrayList<>();

	private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();

	private volatile int otherwise = 200;

	Receiver() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
		this.server.createContext("/", (exchange) -> {
			byte[] body = exchange.getRequestBody().readAllBytes();
			Map<String, String> headers = new java.util.HashMap<>();
			exchange.getRequestHeaders().forEach((name, values) -> headers
				.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
			this.requests.add(new Request(headers, new String(body, StandardCharsets.UTF_8)));
			Integer queued = this.statuses.poll();
			int status = (queued != null) ? queued : this.otherwise;
			byte[] answer = (status >= 300) ? "boom\nat the receiver".getBytes(StandardCharsets.UTF_8) : new byte[0];
			exchange.sendResponseHeaders(status, (answer.length == 0) ? -1 : answer.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(answer);
			}
		});
		this.server.setExecutor(Executors.newFixedThreadPool(4));
		this.server.start();
	}

	/** Answers these statuses to the next requests, in order. */
	Receiver answer(int... statuses) {
		for (int status : statuses) {
			this.statuses.add(status);
		}
		return this;
	}

	/** Answers this status once the queued ones are used. */
	Receiver always(int status) {
		this.otherwise = status;
		return this;
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/hook";
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
