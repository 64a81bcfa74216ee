package dev.portcullis.web;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardIntegrationTests extends IntegrationTest {

	WebTestClient client;

	@BeforeEach
	void signIn() {
		this.client = as(Role.VIEWER);
	}

	@Autowired
	DatabaseClient db;

	@Test
	void dashboardShouldRenderTheShellWithNavigationFooterAndOwnAssets() {
		String html = this.client.get().uri("/").accept(MediaType.TEXT_HTML).exchange()
			.expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("<nav id=\"nav\"", ">Dashboard</a>", "aria-current=\"page\"")
			.contains("src=\"/assets/app.js\"", "href=\"/assets/app.css\"")
			.contains("hx-get=\"/status/database\"")
			.doesNotContain("https://", "http://");
		assertThat(html).contains("PostgreSQL <span>" + serverVersion() + "</span>").containsOnlyOnce("<main");
	}

	@Test
	void databaseStatusFragmentShouldReportServerAndSchemaVersion() {
		String html = this.client.get().uri("/status/database").header(Htmx.REQUEST, "true").exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("Vary", "HX-Request")
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).startsWith("<span").contains("id=\"db-status\"", "badge-ok")
			.contains("PostgreSQL <span>" + serverVersion() + "</span>")
			.contains("schema <span>" + latestMigration() + "</span>")
			.doesNotContain("<html");
	}

	@Test
	void migrationsShouldBeAppliedFromTheClasspathAndRecordTheInstallationOnce() {
		Long installations = this.db.sql("SELECT count(*) AS n FROM installation").map((row) -> row.get("n", Long.class))
			.one().block();
		assertThat(installations).isEqualTo(1L);
		assertThat(latestMigration()).isNotBlank();
	}

	@Test
	void bundledScriptShouldContainHtmx2AndStylesShouldBeServed() {
		String js = this.client.get().uri("/assets/app.js").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(js).contains("htmx").contains("2.0.10");
		this.client.get().uri("/assets/app.css").exchange().expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith("text/css");
		this.client.get().uri("/assets/favicon.svg").exchange().expectStatus().isOk();
	}

	@Test
	void unknownPageShouldGetThe404PageWithoutInternals() {
		String html = this.client.get().uri("/no/such/page").accept(MediaType.TEXT_HTML).exchange()
			.expectStatus().isNotFound()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("This page does not exist", "Back to the dashboard").doesNotContain("Exception");
	}

	@Test
	void failingHandlerShouldGetThe500PageWithAReferenceAndNoStackTrace() {
		String html = this.client.get().uri("/test/boom").accept(MediaType.TEXT_HTML).exchange()
			.expectStatus().is5xxServerError()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("Something went wrong on our side", "reference")
			.doesNotContain("IllegalStateException", "secret detail", "at dev.portcullis", "\tat ");
	}

	@Test
	void failingHandlerShouldGiveJsonClientsNoExceptionEither() {
		String json = this.client.get().uri("/test/boom").accept(MediaType.APPLICATION_JSON).exchange()
			.expectStatus().is5xxServerError()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(json).contains("\"status\":500").doesNotContain("secret detail", "trace", "exception");
	}

	@Test
	void healthShouldBeUpIncludingTheDatabase() {
		this.client.get().uri("/actuator/health").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
		this.client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
	}

	@Test
	void prometheusShouldExposeJvmHttpAndConnectionPoolMetrics() {
		this.client.get().uri("/").exchange().expectStatus().isOk();
		String metrics = this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(metrics).contains("jvm_memory_used_bytes", "http_server_requests_seconds_count", "r2dbc_pool");
	}

	private String serverVersion() {
		return this.db.sql("SELECT current_setting('server_version') AS v").map((row) -> row.get("v", String.class))
			.one().block();
	}

	private String latestMigration() {
		return this.db.sql("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL "
				+ "ORDER BY installed_rank DESC LIMIT 1").map((row) -> row.get("version", String.class)).one().block();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class FailingRoute {

		@Bean
		RouterFunction<ServerResponse> boom() {
			return RouterFunctions.route().GET("/test/boom", (request) -> {
				throw new IllegalStateException("secret detail");
			}).build();
		}

	}

}
