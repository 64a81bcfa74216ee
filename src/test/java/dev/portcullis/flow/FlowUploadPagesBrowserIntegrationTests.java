package dev.portcullis.flow;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** The flow upload page in a real browser: an author drops a real Hubble export with two bad lines; a viewer reads. */
class FlowUploadPagesBrowserIntegrationTests extends BrowserTest {

	@Test
	void authorShouldUploadAHubbleExportAndSeeWhatWasKeptAndTheRejectedLines() throws Exception {
		String ws = "flowpage-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		byte[] corpus;
		try (var in = getClass().getResourceAsStream("/flows/basic-sample-10-flows.json")) {
			corpus = in.readAllBytes();
		}
		Path file = Files.createTempFile("flows", ".json");
		Files.write(file, corpus);
		Files.writeString(file, "not json\n{\"flow\": 3}\n", StandardCharsets.UTF_8,
				java.nio.file.StandardOpenOption.APPEND);
		this.page.setViewportSize(390, 900);
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws + "/flows/upload");
		assertThat(this.page.locator("h1")).hasText("Upload flows");
		this.page.locator("#flow-file").setInputFiles(file);
		assertThat(this.page.locator("#upload-result [role=status]")).containsText("Kept 10 flows");
		assertThat(this.page.locator("#upload-result")).containsText("Rejected lines: 2");
		assertThat(this.page.locator(".rejected-lines li").first()).containsText("Line 11");
		assertThat(this.page.locator(".rejected-lines li").last()).containsText("Line 12");
		screenshot("flow-upload-done");
		this.page.getByText("Show them in the flow log").click();
		assertThat(this.page.locator("h1")).hasText("Flow log");
		assertThat(this.page.locator("#flow-rows tr")).hasCount(10);
		Files.delete(file);
	}

	@Test
	void viewerShouldSeeThePageWithoutTheDropZone() {
		String ws = "flowview-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		signIn(Role.VIEWER);
		open("/workspaces/" + ws + "/flows/upload");
		assertThat(this.page.locator("#read-only")).isVisible();
		assertThat(this.page.locator("#drop-zone")).hasCount(0);
	}

}
