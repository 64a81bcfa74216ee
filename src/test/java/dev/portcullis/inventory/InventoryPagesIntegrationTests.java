package dev.portcullis.inventory;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.web.Htmx;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/** The inventory page's form and fragments over HTTP: uploads, large pastes, refusals, roles, the summary. */
class InventoryPagesIntegrationTests extends IntegrationTest {

	String ws;

	@BeforeEach
	void createWorkspace() {
		this.ws = "invpg-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
	}

	private String post(Role role, MultipartBodyBuilder parts, boolean htmx, int status) {
		var request = as(role).post().uri("/workspaces/{ws}/inventory", this.ws);
		if (htmx) {
			request = request.header(Htmx.REQUEST, "true");
		}
		return request.contentType(MediaType.MULTIPART_FORM_DATA).body(BodyInserters.fromMultipartData(parts.build()))
			.exchange().expectStatus().isEqualTo(status).expectBody(String.class).returnResult().getResponseBody();
	}

	@Test
	void uploadedFileShouldBecomeVersionOneAndShowItsObjects() {
		MultipartBodyBuilder parts = new MultipartBodyBuilder();
		parts.part("file", new ByteArrayResource(InventoryApiIntegrationTests.KUBECTL.getBytes()) {
			@Override
			public String getFilename() {
				return "inventory.yaml";
			}
		}).contentType(MediaType.parseMediaType("application/yaml"));
		parts.part("message", "upload");
		String html = post(Role.AUTHOR, parts, false, 200);
		assertThat(html).contains("<html", "Imported version 1.", "Ignored: 1 ConfigMap", "cart-1", "10.96.0.10",
				"team=web");
		String summary = as(Role.VIEWER).get().uri("/workspaces/{ws}/inventory/summary", this.ws)
			.header(Htmx.REQUEST, "true").exchange().expectStatus().isOk().expectBody(String.class).returnResult()
			.getResponseBody();
		assertThat(summary).startsWith("<div id=\"inventory-summary\"").contains("version 1", "1 Service", "1 Pod")
			.doesNotContain("<html");
	}

	@Test
	void refusedTextShouldStayInTheFormWithEveryProblemAndWriteNothing() {
		MultipartBodyBuilder parts = new MultipartBodyBuilder();
		parts.part("text", InventoryApiIntegrationTests.KUBECTL.replace("podIP: 10.0.1.5", "podIP: 10.0.1"));
		String html = post(Role.AUTHOR, parts, true, 422);
		assertThat(html).startsWith("<div id=\"importer\"").contains("Nothing was imported",
				"items[2].status.podIP", "is not an IP address", "podIP: 10.0.1");
		assertThat(as(Role.VIEWER).get().uri("/workspaces/{ws}/inventory/summary", this.ws).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody()).contains("No inventory yet");

		MultipartBodyBuilder empty = new MultipartBodyBuilder();
		empty.part("text", " ");
		assertThat(post(Role.AUTHOR, empty, true, 422)).contains("Paste kubectl output or choose a file first.");
	}

	@Test
	void largePastedTextShouldImportThroughTheMultipartForm() {
		String many = "apiVersion: v1\nkind: List\nitems:\n" + IntStream.range(0, 4000)
			.mapToObj((i) -> "- {apiVersion: v1, kind: Namespace, metadata: {name: ns-%04d, labels: {team: t%d}}}\n"
				.formatted(i, i % 7))
			.collect(Collectors.joining());
		assertThat(many.length()).isGreaterThan(256 * 1024);
		MultipartBodyBuilder parts = new MultipartBodyBuilder();
		parts.part("text", many);
		assertThat(post(Role.AUTHOR, parts, true, 200)).contains("Imported version 1.");
	}

	@Test
	void viewerShouldBeRefusedAndUnknownWorkspacesShouldBeNotFound() {
		MultipartBodyBuilder parts = new MultipartBodyBuilder();
		parts.part("text", InventoryApiIntegrationTests.KUBECTL);
		post(Role.VIEWER, parts, false, 403);
		as(Role.VIEWER).get().uri("/workspaces/no-such-{ws}/inventory", this.ws).exchange().expectStatus().isNotFound();
		as(Role.VIEWER).get().uri("/workspaces/{ws}/inventory", this.ws).exchange().expectStatus().isOk()
			.expectBody(String.class).value((html) -> assertThat(html).contains("Read-only").doesNotContain("inventory-form"));
	}

}
