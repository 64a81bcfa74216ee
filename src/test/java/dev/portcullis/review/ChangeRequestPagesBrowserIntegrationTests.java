package dev.portcullis.review;

import java.util.UUID;

import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.BundleImport;
import dev.portcullis.policy.Workspaces;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The four-eyes rule in Chromium with two users: in a protected workspace an author's save is refused in the editor,
 * "Propose as a change" carries the text to a change request, the author cannot approve it, and a reviewer approves
 * and merges it.
 */
class ChangeRequestPagesBrowserIntegrationTests extends BrowserTest {

	@Autowired
	Workspaces workspaces;

	@Autowired
	BundleImport imports;

	@Autowired
	Protections protections;

	@Autowired
	DatabaseClient db;

	static String policy(int port) {
		return """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: web
				  namespace: shop
				spec:
				  endpointSelector:
				    matchLabels:
				      app: web
				  ingress:
				  - fromEndpoints:
				    - matchLabels:
				        app: frontend
				    toPorts:
				    - ports:
				      - port: "%d"
				        protocol: TCP
				""".formatted(port);
	}

	@Test
	void authorShouldProposeFromTheEditorAndAReviewerApproveAndMerge() {
		String ws = "review-pages-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "four eyes", Actor.SYSTEM).block();
		this.imports.run(ws, policy(80), "seed", Actor.SYSTEM).block();
		this.protections.set(ws, new ProtectionRules(true, 1, true, true, false), Actor.SYSTEM).block();

		signIn(Role.AUTHOR);
		String policyPath = "/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web";
		open(policyPath + "/edit");
		this.page.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Page.GetByRoleOptions().setName("Save version"))
			.click();
		expectFailedResponse(409, policyPath + "/edit");
		assertThat(this.page.getByText("is protected")).isVisible();

		this.page.locator("#propose-change").click();
		assertThat(this.page.locator("#change-form")).isVisible();
		assertThat(this.page.locator("#change-changes")).hasValue(policy(80));
		this.page.locator("#change-changes").fill(policy(443));
		this.page.locator("#change-title").fill("Serve the web on 443");
		this.page.locator("#propose-button").click();
		assertThat(this.page.locator(".change-facts")).containsText("Open");
		assertThat(this.page.locator("#check-requiredApprovals")).containsText("not met");
		assertThat(this.page.locator("#merge-button")).isDisabled();
		assertThat(this.page.locator("#approve-button")).hasCount(0);
		assertThat(this.page.locator(".diff")).containsText("443");
		String changePath = this.page.url().substring(baseUrl().length());
		screenshot("review-author");

		this.context.clearCookies();
		signIn(Role.REVIEWER);
		open(changePath);
		this.page.locator("#review-body").fill("Looks right");
		this.page.locator("#approve-button").click();
		assertThat(this.page.locator(".change-facts")).containsText("Approved");
		assertThat(this.page.locator("#mergeable")).isVisible();
		this.page.locator("#merge-button").click();
		assertThat(this.page.locator(".change-facts")).containsText("Merged");
		screenshot("review-merged");
		long id = Long.parseLong(changePath.substring(changePath.lastIndexOf('/') + 1));
		Long linked = this.db.sql("SELECT count(*) FROM policy_version WHERE change_request_id = :id").bind("id", id)
			.map((row) -> row.get(0, Long.class)).one().block();
		assertThat(linked).isEqualTo(1);
	}

}
