package dev.portcullis.web;

import dev.portcullis.database.DatabaseStatus;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.server.ServerWebExchange;

/** The dashboard, and the footer's database status that htmx refreshes. */
@Controller
class DashboardPages {

	private final DatabaseStatus databaseStatus;

	DashboardPages(DatabaseStatus databaseStatus) {
		this.databaseStatus = databaseStatus;
	}

	@GetMapping("/")
	Mono<String> dashboard(Model model) {
		return this.databaseStatus.snapshot().map((snapshot) -> {
			model.addAttribute("db", snapshot);
			return "dashboard/index";
		});
	}

	/** The footer's database badge; polled by htmx, so it is always a fragment. */
	@GetMapping("/status/database")
	Mono<String> databaseBadge(Model model, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		exchange.getResponse().getHeaders().setCacheControl("no-store");
		return this.databaseStatus.snapshot().map((snapshot) -> {
			model.addAttribute("db", snapshot);
			return "layout :: database-status";
		});
	}

}
