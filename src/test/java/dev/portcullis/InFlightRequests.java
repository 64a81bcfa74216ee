package dev.portcullis;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Test-only record of the requests the app has received and not yet finished, with when each arrived: a failed
 * browser test prints it ({@link BrowserTest}) so that "the server never answered" can be told apart from "the
 * browser never asked".
 */
@TestComponent
@Order(Ordered.HIGHEST_PRECEDENCE)
public class InFlightRequests implements WebFilter {

	private final Map<String, Long> started = new ConcurrentHashMap<>();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String key = exchange.getLogPrefix() + exchange.getRequest().getMethod() + " "
				+ exchange.getRequest().getURI().getRawPath();
		this.started.put(key, System.nanoTime());
		return chain.filter(exchange).doFinally((signal) -> this.started.remove(key));
	}

	/** The requests still in progress, each with how long ago it arrived. */
	List<String> describe() {
		long now = System.nanoTime();
		return this.started.entrySet().stream()
			.map((e) -> "server has " + e.getKey() + " for " + (now - e.getValue()) / 1_000_000 + " ms")
			.toList();
	}

}
