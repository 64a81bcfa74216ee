package dev.portcullis.audit;

import java.util.List;
import java.util.Map;

import dev.portcullis.web.Htmx;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code /admin/audit}: administrators browse the audit log with the API's filters. The filter form reloads the
 * results through htmx (and pushes the URL, so a filtered view can be bookmarked); "Older" pages on with the
 * keyset cursor.
 */
@Controller
class AuditPages {

	private final AuditEntries entries;

	AuditPages(AuditEntries entries) {
		this.entries = entries;
	}

	@GetMapping("/admin/audit")
	Mono<String> audit(@RequestParam Map<String, String> params, Model model, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		List<String> problems = new java.util.ArrayList<>();
		AuditFilter filter = AuditFilter.parse(params, problems);
		model.addAttribute("filter", filter);
		model.addAttribute("problems", problems);
		model.addAttribute("outcomes", AuditLog.Outcome.values());
		String view = Htmx.isPartial(exchange) ? "admin/audit :: results" : "admin/audit";
		if (!problems.isEmpty()) {
			exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
			model.addAttribute("entries", List.of());
			return Mono.just(view);
		}
		return this.entries.find(filter).map((page) -> {
			model.addAttribute("entries", page.entries());
			if (page.next() != null) {
				model.addAttribute("olderLink", link(filter.olderThan(page.next())));
			}
			return view;
		});
	}

	private static String link(AuditFilter filter) {
		UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/admin/audit");
		filter.parameters().forEach(uri::queryParam);
		if (filter.before() != null) {
			uri.queryParam("before", filter.before());
		}
		return uri.encode().build().toUriString();
	}

}
