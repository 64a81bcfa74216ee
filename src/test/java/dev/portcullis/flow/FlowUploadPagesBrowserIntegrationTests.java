package dev.portcullis.flow;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Locator;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The flow upload page in a real browser: an author drops a real Hubble export with two bad lines; flows of another
 * cluster, which an administrator sets as the workspace's in one click and an author is told about; a viewer reads.
 */
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
	void adminShouldSetTheClusterNameOfFlowsFromAnotherClusterInOneClick() throws Exception {
		String ws = "flowcluster-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		// 400 flows of cluster kind-kind, and one of a cluster whose name Cilium would refuse
		String kind = resource("/flows/basic-sample-400-tcp-flows.json");
		String one = resource("/flows/basic-sample-10-flows.json").lines().findFirst().orElseThrow();
		Path file = Files.createTempFile("flows", ".json");
		Files.writeString(file, kind.strip() + "\n" + one.replace("cluster=default", "cluster=Bad_Name") + "\n");
		this.page.setViewportSize(1280, 900);
		signIn(Role.ADMIN);
		open("/workspaces/" + ws + "/flows/upload");
		this.page.locator("#flow-file").setInputFiles(file);
		Locator offer = this.page.locator("#cluster-mismatch");
		assertThat(offer).containsText("come from another cluster than this workspace's \"default\"");
		Locator buttons = offer.locator("button");
		assertThat(buttons).hasCount(2);
		assertThat(buttons.first()).hasText("Set this workspace's cluster name to kind-kind");
		assertThat(buttons.last()).hasText("Set this workspace's cluster name to Bad_Name");

		expectFailedResponse(422, "/workspaces/" + ws + "/settings/cluster-name");
		buttons.last().click();
		assertThat(offer.locator("#cluster-name-answer [role=alert]"))
			.containsText("Nothing was saved: \"Bad_Name\" is not a cluster name Cilium accepts");
		assertThat(offer.locator("button")).hasCount(2);
		screenshot("flow-upload-cluster-refused-1280");

		buttons.first().click();
		Locator done = this.page.locator("#cluster-name-set");
		assertThat(done).containsText("This workspace's cluster name is now kind-kind");
		assertThat(this.page.locator("#cluster-mismatch")).hasCount(0);
		assertThat(done).isFocused();
		screenshot("flow-upload-cluster-set-1280");
		this.page.setViewportSize(390, 844);
		Object overflow = this.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
		org.assertj.core.api.Assertions.assertThat(((Number) overflow).intValue()).as("horizontal overflow")
			.isLessThanOrEqualTo(0);
		screenshot("flow-upload-cluster-set-390");

		done.getByText("Show the flow log").click();
		assertThat(this.page.locator("h1")).hasText("Flow log");
		assertThat(this.page.locator("#flow-rows tr").first()).isVisible();
		open("/workspaces/" + ws + "/settings");
		assertThat(this.page.locator("#setting-clusterName-input")).hasValue("kind-kind");
		Files.delete(file);
	}

	@Test
	void authorShouldBeToldOfAnotherClusterWithoutTheButtonToSetIt() throws Exception {
		String ws = "flowcluster-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		Path file = Files.createTempFile("flows", ".json");
		Files.writeString(file, resource("/flows/basic-sample-400-tcp-flows.json"));
		this.page.setViewportSize(390, 844);
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws + "/flows/upload");
		this.page.locator("#flow-file").setInputFiles(file);
		Locator offer = this.page.locator("#cluster-mismatch");
		assertThat(offer).containsText("kind-kind (");
		assertThat(offer).containsText("An administrator can set the workspace's cluster name in its agent settings.");
		assertThat(offer.locator("button")).hasCount(0);
		assertThat(offer.locator("form")).hasCount(0);
		screenshot("flow-upload-cluster-author-390");
		Files.delete(file);
	}

	private String resource(String path) throws java.io.IOException {
		try (var in = getClass().getResourceAsStream(path)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
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
