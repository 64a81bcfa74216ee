package dev.portcullis.web;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The htmx request headers, and whether a request wants a fragment or the full page.
 * <p>
 * A request wants a fragment when htmx sent it ({@code HX-Request: true}), unless it restores history
 * ({@code HX-History-Restore-Request}) or comes from a boosted link ({@code HX-Boosted}): those replace the
 * whole page and get it.
 */
public final class Htmx {

	public static final String REQUEST = "HX-Request";

	public static final String BOOSTED = "HX-Boosted";

	public static final String HISTORY_RESTORE_REQUEST = "HX-History-Restore-Request";

	public static final String TARGET = "HX-Target";

	private Htmx() {
	}

	/** Whether the response should be a fragment of the page's template rather than the whole page. */
	public static boolean isPartial(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		return "true".equals(headers.getFirst(REQUEST)) && !"true".equals(headers.getFirst(BOOSTED))
				&& !"true".equals(headers.getFirst(HISTORY_RESTORE_REQUEST));
	}

	/** Marks a response whose body depends on whether htmx asked for it, so caches keep both renderings. */
	public static void varyOnRequest(ServerWebExchange exchange) {
		exchange.getResponse().getHeaders().add(HttpHeaders.VARY, REQUEST);
	}

}
