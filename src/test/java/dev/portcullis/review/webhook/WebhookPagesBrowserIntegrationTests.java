package dev.portcullis.review.webhook;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import dev.portcullis.secrets.SecretBox;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.util.unit.DataSize;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The webhooks pages in Chromium, as an administrator uses them: add a webhook pointing at a real receiver, send a
 * test delivery and see it delivered, see a failed one with the receiver's answer, redeliver it, edit and delete.
 * The worker is run by hand between steps (the suite's contexts do not deliver on their own).
 */
class WebhookPagesBrowserIntegrationTests extends BrowserTest {

	private static final WebhookSettings ONE_ATTEMPT = new WebhookSettings(false, Duration.ofSeconds(1), 20, 1,
			Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5),
			DataSize.ofKilobytes(64), false);

	@Autowired
	DatabaseClient db;

	@Autowired
	SecretBox secrets;

	@Test
	void administratorShouldAddAWebhookTestItSeeAFailureAndRedeliverIt() throws Exception {
		String ws = "hookpages-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		DeliveryWorker worker = new DeliveryWorker(this.db, this.secrets, ONE_ATTEMPT);
		try (Receiver receiver = new Receiver()) {
			signIn(Role.ADMIN);
			open("/workspaces/" + ws);
			this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Webhooks")).click();
			assertThat(this.page.locator("h1")).hasText("Webhooks");
			// the suite sets portcullis.public-url: the page says where the messages' links lead
			assertThat(this.page.locator("#webhook-links")).containsText("https://portcullis.example.test");

			expectFailedResponse(422, "/workspaces/" + ws + "/webhooks");
			this.page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("team chat");
			this.page.getByLabel("URL", new Page.GetByLabelOptions().setExact(true)).fill(receiver.url());
			this.page.getByLabel("Secret", new Page.GetByLabelOptions().setExact(true)).fill("short");
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add webhook")).click();
			assertThat(this.page.locator("#webhook-form .field-error")).containsText("must be 16 to 200 characters");
			assertThat(this.page.getByLabel("URL", new Page.GetByLabelOptions().setExact(true))).hasValue(receiver.url());

			this.page.getByLabel("Secret", new Page.GetByLabelOptions().setExact(true)).fill("a secret the chat relay knows");
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add webhook")).click();
			assertThat(this.page.locator(".banner-ok")).containsText("Saved");
			assertThat(this.page.locator("h1")).hasText("team chat");
			assertThat(this.page.locator("#page")).not().containsText("a secret the chat relay knows");

			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send a test delivery")).click();
			assertThat(this.page.locator("#deliveries-table")).containsText("pending");
			worker.deliverDue().block();
			// the list reloads itself every 5 s; a reload shows it at once
			open(this.page.url().replaceAll("\\?.*", ""));
			assertThat(this.page.locator("#deliveries-table")).containsText("delivered");
			assertThat(this.page.locator("#deliveries-table")).containsText("HTTP 200");
			org.assertj.core.api.Assertions.assertThat(receiver.requests).hasSize(1);
			screenshot("webhook-delivered");

			receiver.answer(500);
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send a test delivery")).click();
			worker.deliverDue().block();
			open(this.page.url().replaceAll("\\?.*", ""));
			assertThat(this.page.locator("#deliveries-table tbody tr").first()).containsText("failed");
			assertThat(this.page.locator("#deliveries-table tbody tr").first())
				.containsText("the receiver answered HTTP 500: boom at the receiver");
			screenshot("webhook-failed");

			this.page.locator("#deliveries-table tbody tr").first()
				.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Redeliver"))
				.click();
			assertThat(this.page.locator(".banner-ok")).containsText("Queued");
			worker.deliverDue().block();
			open(this.page.url().replaceAll("\\?.*", ""));
			assertThat(this.page.locator("#deliveries-table tbody tr").first()).containsText("delivered");
			org.assertj.core.api.Assertions.assertThat(receiver.requests).hasSize(3);

			this.page.getByLabel("Active", new Page.GetByLabelOptions().setExact(true)).uncheck();
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save").setExact(true)).click();
			assertThat(this.page.locator(".banner-ok")).containsText("Saved");
			assertThat(this.page.locator(".page-head")).containsText("inactive");

			this.page.locator("details.danger summary").click();
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete webhook")).click();
			assertThat(this.page.locator(".banner-ok")).containsText("deleted");
			assertThat(this.page.locator("#page")).containsText("None yet");
		}
	}

	@Test
	void authorShouldNotReachTheWebhooksPage() {
		String ws = "hookdenied-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws);
		assertThat(this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Webhooks"))).hasCount(0);
		expectFailedResponse(403, "/workspaces/" + ws + "/webhooks");
		com.microsoft.playwright.Response response = open("/workspaces/" + ws + "/webhooks");
		org.assertj.core.api.Assertions.assertThat(response.status()).isEqualTo(403);
	}

}
