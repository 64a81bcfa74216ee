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

	/** The web pods of shop accept the frontend on these ports. */
	static String policy(int... ports) {
		StringBuilder list = new StringBuilder();
		for (int port : ports) {
			list.append("      - port: \"").append(port).append("\"\n        protocol: TCP\n");
		}
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
				""" + list;
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

	@Test
	void revisionShouldDismissTheApprovalAndAFailingExpectationOrAMovedBaseShouldBlockTheMergeUntilFixed() {
		String ws = "review-rules-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "four eyes", Actor.SYSTEM).block();
		this.imports.run(ws, policy(80), "seed", Actor.SYSTEM).block();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/expectations", ws)
			.contentType(org.springframework.http.MediaType.valueOf("application/yaml")).bodyValue("""
					expectations:
					- name: frontend reaches web
					  from: {pod: {namespace: shop, labels: {app: frontend}}}
					  to: {pod: {namespace: shop, labels: {app: web}}}
					  port: 80
					  expect: allowed
					""").exchange().expectStatus().isCreated();
		ProtectionRules rules = new ProtectionRules(true, 1, true, true, true);
		this.protections.set(ws, rules, Actor.SYSTEM).block();

		// revision 1 moves the web to 443 only: the expectation fails
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws + "/change-requests/new");
		this.page.locator("#change-title").fill("Move the web to 443");
		this.page.locator("#change-changes").fill(policy(443));
		this.page.locator("#propose-button").click();
		assertThat(this.page.locator("#expectations-outcome")).containsText("1 fail");
		assertThat(this.page.locator("#check-requireExpectations")).containsText("not met");
		assertThat(this.page.locator("#impact-states")).containsText("latest versions");
		assertThat(this.page.locator("#impact-states")).containsText("revision 1: Move the web to 443");
		String changePath = this.page.url().substring(baseUrl().length());

		this.context.clearCookies();
		signIn(Role.REVIEWER);
		open(changePath);
		this.page.locator("#approve-button").click();
		assertThat(this.page.locator("#check-requiredApprovals")).containsText("holds");
		assertThat(this.page.locator("#check-requireExpectations")).containsText("1 of 1 expectations fail");
		assertThat(this.page.locator("#merge-button")).isDisabled();
		screenshot("review-expectation-fails");

		// revision 2 keeps 80 too: the expectation passes, and the approval of revision 1 no longer counts
		this.context.clearCookies();
		signIn(Role.AUTHOR);
		open(changePath);
		this.page.locator("#revise-link").click();
		assertThat(this.page.locator("#change-changes")).hasValue(policy(443));
		this.page.locator("#change-changes").fill(policy(80, 443));
		this.page.locator("#propose-button").click();
		assertThat(this.page.locator(".change-facts")).containsText("revision 2");
		assertThat(this.page.locator("#reviews .stale")).containsText("stale");
		assertThat(this.page.locator("#check-requiredApprovals")).containsText("not met");
		assertThat(this.page.locator("#check-requireExpectations")).containsText("holds");
		assertThat(this.page.locator("#impact-states")).containsText("revision 2");
		// each revision is kept, with what it changed since the one before
		this.page.locator("#revision-2 summary").click();
		assertThat(this.page.locator("#revision-2")).containsText("Changes since revision 1");
		assertThat(this.page.locator("#revision-2 tr.line-added")
			.filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("port: \"80\""))).hasCount(1);
		assertThat(this.page.locator("#revision-2 tr.line-removed")).hasCount(0);
		assertThat(this.page.locator("#merge-button")).isDisabled();

		this.context.clearCookies();
		signIn(Role.REVIEWER);
		open(changePath);
		this.page.locator("#approve-button").click();
		assertThat(this.page.locator("#mergeable")).isVisible();

		// the workspace moves under the change: the page names the policy and the merge waits for a revision
		this.protections.set(ws, new ProtectionRules(false, 1, true, true, true), Actor.SYSTEM).block();
		this.imports.run(ws, policy(80, 8080), "hotfix", Actor.SYSTEM).block();
		this.protections.set(ws, rules, Actor.SYSTEM).block();
		open(changePath);
		assertThat(this.page.locator("#moved")).containsText("CiliumNetworkPolicy/shop/web");
		assertThat(this.page.locator("#merge-button")).isDisabled();
		screenshot("review-base-moved");

		this.context.clearCookies();
		signIn(Role.AUTHOR);
		open(changePath + "/edit");
		this.page.locator("#change-changes").fill(policy(80, 443, 8080));
		this.page.locator("#propose-button").click();
		assertThat(this.page.locator(".change-facts")).containsText("revision 3");
		assertThat(this.page.locator("#moved")).hasCount(0);

		this.context.clearCookies();
		signIn(Role.REVIEWER);
		open(changePath);
		this.page.locator("#approve-button").click();
		this.page.locator("#merge-button").click();
		assertThat(this.page.locator(".change-facts")).containsText("Merged");
		assertThat(this.page.locator("#revisions li")).hasCount(3);
		// the merged record names the versions it wrote and links to them
		assertThat(this.page.locator("#merged-versions")).containsText("CiliumNetworkPolicy/shop/web version 3");
		this.page.locator("#merged-versions a").click();
		assertThat(this.page.locator("h1")).containsText("web");
		assertThat(this.page).hasURL(java.util.regex.Pattern.compile(".*/policies/CiliumNetworkPolicy/shop/web\\?version=3$"));
		long id = Long.parseLong(changePath.substring(changePath.lastIndexOf('/') + 1));
		Integer version = this.db.sql("SELECT v.version FROM policy_version v WHERE v.change_request_id = :id")
			.bind("id", id).map((row) -> row.get(0, Integer.class)).one().block();
		assertThat(version).isEqualTo(3);
	}

	@Test
	void reviewerShouldNotBeAbleToApproveTheirOwnChangeEvenBySendingTheForm() {
		String ws = "review-self-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "four eyes", Actor.SYSTEM).block();
		this.imports.run(ws, policy(80), "seed", Actor.SYSTEM).block();
		this.protections.set(ws, new ProtectionRules(true, 1, true, true, false), Actor.SYSTEM).block();

		signIn(Role.REVIEWER);
		open("/workspaces/" + ws + "/change-requests/new");
		this.page.locator("#change-title").fill("My own change");
		this.page.locator("#change-changes").fill(policy(443));
		this.page.locator("#propose-button").click();
		assertThat(this.page.locator("#approve-button")).hasCount(0);
		assertThat(this.page.locator("#reviews .hint")).containsText("someone else reviews it");
		String changePath = this.page.url().substring(baseUrl().length());

		// the form the page does not offer, sent anyway: the server refuses it
		expectFailedResponse(403, changePath + "/reviews");
		this.page.evaluate("""
				() => {
				  const form = document.createElement('form');
				  form.method = 'post';
				  form.action = location.pathname + '/reviews';
				  for (const [name, value] of [['_csrf', document.querySelector('meta[name="_csrf"]').content],
				      ['decision', 'APPROVE']]) {
				    const input = document.createElement('input');
				    input.type = 'hidden';
				    input.name = name;
				    input.value = value;
				    form.append(input);
				  }
				  document.body.append(form);
				  form.submit();
				}""");
		assertThat(this.page.locator("#refusal")).containsText("you cannot review it");
		assertThat(this.page.locator(".change-facts")).containsText("Open");
		assertThat(this.page.locator("#check-requiredApprovals")).containsText("0 of 1");
	}

}
