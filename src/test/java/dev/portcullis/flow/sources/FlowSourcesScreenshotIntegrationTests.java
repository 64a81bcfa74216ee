package dev.portcullis.flow.sources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Page;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;

@FollowingSources
class FlowSourcesScreenshotIntegrationTests extends BrowserTest {

	@Test
	void screenshots() throws Exception {
		String ws = "shots-" + UUID.randomUUID().toString().substring(0, 6);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		Path dir = Path.of(System.getProperty("java.io.tmpdir"), "portcullis-exporter-tests", ws);
		Files.createDirectories(dir);
		List<String> lines = ObserverCodecTests.corpusLines().subList(0, 300);
		Files.writeString(dir.resolve("events.log"), String.join("\n", lines) + "\n");
		as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(JsonMapper.builder().build().writeValueAsString(Map.of("relay", Map.of("address", "127.0.0.1:1"),
					"files", Map.of("directory", dir.toString(), "fileName", "events.log"))))
			.exchange().expectStatus().isOk();
		Thread.sleep(4000);
		signIn(Role.ADMIN);
		for (int width : new int[] { 1280, 390 }) {
			this.page.setViewportSize(width, 900);
			this.page.navigate("/workspaces/" + ws + "/flows/sources");
			this.page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("/tmp/shot-sources-" + width + ".png"))
				.setFullPage(true));
			this.page.navigate("/workspaces/" + ws);
			this.page.waitForTimeout(1500);
			this.page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("/tmp/shot-workspace-" + width + ".png")));
		}
		as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}").exchange().expectStatus().isOk();
	}

}
