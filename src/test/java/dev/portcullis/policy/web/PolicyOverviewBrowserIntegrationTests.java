package dev.portcullis.policy.web;

import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.engine.describe.BriefExamples;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.PolicyChanges;
import dev.portcullis.policy.Workspaces;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * A policy's page says what the policy does in words and shows its graph, an image named "Policy graph"; the workspace
 * page links to the graph of all its policies.
 */
class PolicyOverviewBrowserIntegrationTests extends BrowserTest {

	@Autowired
	Workspaces workspaces;

	@Autowired
	PolicyChanges changes;

	@Test
	void viewerShouldReadTheSummaryAndSeeThePolicyGraphWithTheSummaryAsItsDescription() {
		String ws = "overview-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "Overview", Actor.SYSTEM).block();
		this.changes.save(ws, null, BriefExamples.DNS, null, "DNS example", Actor.SYSTEM).block();
		signIn(Role.VIEWER);
		open("/workspaces/" + ws + "/policies/CiliumNetworkPolicy/default/cilium-io-only");

		Locator summary = this.page.locator(".policy-summary li");
		assertThat(summary.nth(2)).hasText("Pods app=crawler in default may send TCP 443 to names matching *.cilium.io.");
		Locator graph = this.page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions().setName("Policy graph").setExact(true));
		assertThat(graph).isVisible();
		assertThat(graph).hasAttribute("aria-describedby", "policy-graph-desc");
		assertThat(graph.locator("desc")).hasText(java.util.regex.Pattern.compile(
				".*may send TCP 443 to names matching \\*\\.cilium\\.io\\..*"));
		assertThat(graph).containsText("names matching *.cilium.io");
		assertThat(graph).containsText("ingress open · egress default-deny");
		screenshot("policy-overview");
	}

	@Test
	void viewerShouldOpenTheWorkspaceGraphFromTheWorkspacePage() {
		String ws = "overview-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "Overview", Actor.SYSTEM).block();
		this.changes.save(ws, null, BriefExamples.HTTP, null, "HTTP example", Actor.SYSTEM).block();
		this.changes.save(ws, null, BriefExamples.DNS, null, "DNS example", Actor.SYSTEM).block();
		signIn(Role.VIEWER);
		open("/workspaces/" + ws);
		Locator link = this.page.getByRole(AriaRole.LINK,
				new Page.GetByRoleOptions().setName("Graph of the workspace").setExact(true));
		assertThat(link).hasAttribute("href", "/api/v1/workspaces/" + ws + "/graph");
		screenshot("workspace-graph-link");
		// (a screenshot of the SVG document itself timed out in Chromium: the test reads its DOM instead)
		link.click();
		this.page.waitForURL("**/api/v1/workspaces/" + ws + "/graph");
		// the browser shows the SVG itself: both policies' subjects and their peers
		Locator svg = this.page.locator("svg[role=img]");
		assertThat(svg.locator("#policy-graph-title")).hasText("Policy graph");
		assertThat(svg.locator("#policy-graph-desc")).containsText("Workspace " + ws + ": 2 policies");
		assertThat(svg).containsText("env=prod pods in default");
		assertThat(svg).containsText("names matching *.cilium.io");
	}

}
