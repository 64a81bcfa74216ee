package dev.portcullis.replay.run;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import dev.portcullis.replay.ReplayFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The replay page's runs in Chromium at 390 px while no worker runs them (this instance's worker stopped, as if every
 * instance were busy): the progress bar waits with a Cancel button, Cancel ends the run and gives the form back; once
 * a worker runs again, a replay queued the same way shows its result.
 */
class ReplayRunPagesBrowserIntegrationTests extends BrowserTest {

	@Autowired
	ReplayWorker worker;

	@AfterEach
	void startTheWorker() {
		this.worker.start();
	}

	private Locator button(String name) {
		return this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

	@Test
	void aWaitingRunShouldBeCancelledFromThePageAndALaterOneRunOnceAWorkerIsBack() throws IOException {
		String ws = "run-page-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(ReplayFixtures.corpus())
			.exchange().expectStatus().isOk();
		this.worker.stop();
		signIn(Role.VIEWER);
		this.page.setViewportSize(390, 900);
		open("/workspaces/" + ws + "/replay");
		this.page.locator("#draft").fill(ReplayFixtures.DENY_DETAILS);
		button("Replay").click();

		assertThat(this.page.locator("#replay-run")).containsText("Waiting for a free worker");
		assertThat(button("Cancel")).isVisible();
		screenshot("replay-run-waiting-390");
		button("Cancel").click();
		assertThat(this.page.locator("#replay-run")).containsText("This replay was cancelled.");
		assertThat(button("Cancel")).hasCount(0);
		// the form is given back as it was sent
		assertThat(this.page.locator("#draft")).hasValue(ReplayFixtures.DENY_DETAILS);
		screenshot("replay-run-cancelled-390");

		button("Replay").click();
		assertThat(this.page.locator("#replay-run")).containsText("Waiting for a free worker");
		this.worker.start();
		assertThat(this.page.locator(".replay-stats .stat-dropped dd")).hasText("147");
		assertThat(this.page.locator("#replay-run")).hasCount(0);
	}

}
