package dev.portcullis.identity;

import java.util.Map;

import dev.portcullis.web.ApiProblem;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.header.HttpHeaderWriterWebFilter;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;

/**
 * Requests refused before any security rule runs. Spring Security's strict firewall refuses paths with encoded
 * dots or slashes ({@code %2e}, {@code %2f}), backslashes ({@code %5C}), semicolons, {@code //}, {@code %25} and
 * control characters; on top of it, a request target longer than {@code portcullis.http.max-uri-length} or
 * headers larger than {@code portcullis.http.max-header-size} are refused. Every refusal is problem+json (400
 * {@code /problems/rejected-request}, 414 {@code /problems/uri-too-long}, 431
 * {@code /problems/request-headers-too-large}) with the security headers of the chain the request would have
 * gone to, written by that chain's own header writer.
 * <p>
 * Netty refuses longer request lines and headers itself, before the application runs, with an empty 414 or 431:
 * its limits ({@code server.netty.max-initial-line-length}, {@code server.max-http-request-header-size}) are set
 * well above these, so that only absurd requests meet them (docs/adr/009).
 */
@Configuration(proxyBeanMethods = false)
class RejectedRequests {

	/**
	 * Limits of a request's head ({@code portcullis.http.*}).
	 *
	 * @param maxUriLength the longest request target (path and query, as sent), in characters
	 * @param maxHeaderSize the largest sum of header names and values
	 */
	@ConfigurationProperties("portcullis.http")
	record Limits(@DefaultValue("4096") int maxUriLength, @DefaultValue("8KB") DataSize maxHeaderSize) {
	}

	@Bean
	ServerWebExchangeFirewall firewall(Limits limits) {
		StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();
		return (exchange) -> {
			String target = exchange.getRequest().getURI().getRawPath();
			String query = exchange.getRequest().getURI().getRawQuery();
			int length = target.length() + ((query != null) ? query.length() + 1 : 0);
			if (length > limits.maxUriLength()) {
				return Mono.error(new TooLarge(HttpStatus.URI_TOO_LONG, "The request's URI has " + length
						+ " characters; at most " + limits.maxUriLength() + " are accepted."));
			}
			long headers = 0;
			for (Map.Entry<String, java.util.List<String>> header : exchange.getRequest().getHeaders().headerSet()) {
				for (String value : header.getValue()) {
					headers += header.getKey().length() + value.length();
				}
			}
			if (headers > limits.maxHeaderSize().toBytes()) {
				return Mono.error(new TooLarge(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "The request's headers have "
						+ headers + " bytes; at most " + limits.maxHeaderSize().toBytes() + " are accepted."));
			}
			return strict.getFirewalledExchange(exchange);
		};
	}

	@Bean
	ServerExchangeRejectedHandler rejectedRequestHandler(ObjectProvider<SecurityWebFilterChain> chains,
			SecurityResponses responses) {
		return (exchange, rejected) -> {
			Mono<Void> answer = answer(exchange, rejected, responses);
			// the header writer of the first chain that would have taken the request
			return Flux.fromStream(chains::orderedStream)
				.concatMap((chain) -> chain.matches(exchange).filter(Boolean::booleanValue).map((matches) -> chain))
				.next()
				.flatMapMany(SecurityWebFilterChain::getWebFilters)
				.filter(HttpHeaderWriterWebFilter.class::isInstance)
				.next()
				.flatMap((headers) -> headers.filter(exchange, (written) -> answer))
				.switchIfEmpty(answer);
		};
	}

	private static Mono<Void> answer(ServerWebExchange exchange, ServerExchangeRejectedException rejected,
			SecurityResponses responses) {
		if (rejected instanceof TooLarge tooLarge) {
			boolean uri = tooLarge.status == HttpStatus.URI_TOO_LONG;
			return responses.write(exchange, ApiProblem.of(tooLarge.status,
					uri ? "uri-too-long" : "request-headers-too-large",
					uri ? "URI too long" : "Request headers too large", tooLarge.getMessage()).instance(null));
		}
		// no instance: the path is what was refused
		return responses.write(exchange, ApiProblem.of(HttpStatus.BAD_REQUEST, "rejected-request", "Rejected request",
				"The request was refused: its URL or headers contain something that is never accepted (encoded "
						+ "dots, slashes or percent signs, backslashes, semicolons, double slashes or control "
						+ "characters).")
			.instance(null));
	}

	/** A request whose URI or headers are too long. */
	static final class TooLarge extends ServerExchangeRejectedException {

		private final HttpStatus status;

		TooLarge(HttpStatus status, String message) {
			super(message);
			this.status = status;
		}

	}

}
