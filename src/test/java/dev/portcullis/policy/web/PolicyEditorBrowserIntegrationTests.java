package dev.portcullis.policy.web;

import java.util.UUID;
import java.util.regex.Pattern;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.Policies;
import dev.portcullis.policy.PolicyChanges;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.Workspaces;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.portcullis.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The policy editor in Chromium as a new user meets it: the YAML pane (CodeMirror) with the engine's problems
 * underlined and listed, the summary and graph following the text, templates, a create with a taken name, saving
 * and history, a paste over the size limit, the layout (YAML and visual pane side by side where there is room) and the
 * graph enlarged in a dialog. Every page runs under the app's Content-Security-Policy: a violation
 * is logged as a console error, which fails the test.
 */
class PolicyEditorBrowserIntegrationTests extends BrowserTest {

	@Autowired
	Workspaces workspaces;

	@Autowired
	Policies policies;

	@Autowired
	PolicyChanges changes;

	private String ws;

	@BeforeEach
	void workspaceAndCspWatch() {
		this.ws = "editor-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(this.ws, "", Actor.SYSTEM).block();
		this.context.addInitScript("document.addEventListener('securitypolicyviolation', (e) => console.error("
				+ "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ' at ' + location.href + ' ' + (e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 200) : '')));");
	}

	private Locator yaml() {
		return this.page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("YAML").setExact(true));
	}

	private Locator button(String name) {
		return this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

	private Locator problems() {
		return this.page.getByRole(AriaRole.LIST, new Page.GetByRoleOptions().setName("Problems").setExact(true));
	}

	private Locator graph() {
		return this.page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions().setName("Policy graph"));
	}

	private void newPolicyPage() {
		open("/workspaces/" + this.ws + "/policies/new");
		assertThat(this.page.locator(".cm-editor")).isVisible();
	}

	@Test
	void invalidYamlShouldBeMarkedAtItsLineAndListedAsAProblemThatJumpsThere() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		assertThat(this.page.getByLabel("YAML", new Page.GetByLabelOptions().setExact(true))).isVisible();
		// line 18 holds the port: `      - port: "99999"`
		yaml().fill(policy("cache", 99999));
		Locator entry = problems().getByRole(AriaRole.BUTTON).first();
		assertThat(entry).containsText("Line 18, column 15");
		assertThat(entry).containsText("99999");
		Locator line18 = this.page.locator(".cm-line").nth(17);
		assertThat(line18).containsText("99999");
		assertThat(line18.locator(".cm-lintRange-error")).hasCount(1);
		// the hidden form field follows the pane
		assertThat(this.page.locator("#policy-yaml")).hasValue(Pattern.compile("99999"));
		// the problem moves the cursor to its place
		yaml().press("Control+Home");
		assertThat(this.page.locator(".cm-activeLine")).containsText("apiVersion");
		entry.click();
		assertThat(this.page.locator(".cm-activeLine")).containsText("99999");
		assertThat(yaml()).isFocused();
		screenshot("editor-invalid-yaml-problems");

		// text that is not YAML at all: a key indented one space too far, marked where the parser stopped
		yaml().fill("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: web
				  namespace: shop
				spec:
				  endpointSelector:
				    matchLabels:
				      app: web
				   ingress: []
				""");
		Locator syntax = problems().getByRole(AriaRole.BUTTON).first();
		assertThat(syntax).containsText("Line 10, column 4");
		assertThat(syntax).containsText("YAML syntax error");
		assertThat(problems().getByRole(AriaRole.BUTTON)).hasCount(1);
		Locator line10 = this.page.locator(".cm-line").nth(9);
		assertThat(line10).containsText("ingress: []");
		assertThat(line10.locator(".cm-lintRange-error")).hasCount(1);
		assertThat(this.page.locator("#visual-pane #vp-state")).containsText("cannot be read");
		screenshot("editor-yaml-syntax-error");
	}

	@Test
	void editingYamlShouldUpdateTheFormTheSummaryAndTheGraph() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		yaml().fill(policy("web", 8080));
		Locator summary = this.page.locator("#policy-summary");
		Locator formPort = this.page.locator("#visual-pane [data-vp-ports=\"spec.ingress[0].toPorts[0]\"]")
			.getByLabel("Port", new Locator.GetByLabelOptions().setExact(true));
		assertThat(summary).containsText("8080");
		assertThat(formPort).hasValue("8080");
		assertThat(graph()).isVisible();
		assertThat(graph()).hasAttribute("alt", Pattern.compile("8080"));
		// change the port by typing: both follow
		Locator port = this.page.locator(".cm-line").nth(17);
		port.click();
		this.page.keyboard().press("End");
		this.page.keyboard().press("ArrowLeft");
		this.page.keyboard().press("Backspace");
		this.page.keyboard().type("1");
		assertThat(formPort).hasValue("8081");
		assertThat(summary).containsText("8081");
		assertThat(graph()).hasAttribute("alt", Pattern.compile("8081"));
		assertThat(problems().getByRole(AriaRole.BUTTON)).hasCount(0);
		screenshot("editor-summary-and-graph");
	}

	@Test
	void completionShouldOfferTheSchemasFieldNames() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		yaml().fill("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nspec:\n  endpointSelector: {}\n  ");
		this.page.keyboard().press("Control+End");
		this.page.keyboard().type("ingr");
		Locator options = this.page.locator(".cm-tooltip-autocomplete li");
		assertThat(options.first()).containsText("ingress");
		assertThat(this.page.locator(".cm-tooltip-autocomplete")).containsText("ingressDeny");
		screenshot("editor-completion");
		// enum values after "key: ", by the path: toPorts[].ports[].protocol
		this.page.keyboard().press("Escape");
		this.page.keyboard().type("ess:");
		this.page.keyboard().insertText("\n  - toPorts:\n    - ports:\n      - protocol: ");
		this.page.keyboard().press("Control+Space");
		assertThat(this.page.locator(".cm-tooltip-autocomplete")).containsText("SCTP");
		this.page.keyboard().press("Escape");
		// each field's description on hover
		this.page.locator(".cm-line").nth(3).getByText("endpointSelector").hover();
		assertThat(this.page.locator(".cm-field-help")).containsText("spec.endpointSelector");
		assertThat(this.page.locator(".cm-field-help")).containsText("endpoints");
	}

	@Test
	void aTemplateShouldFillTheEditorAndSaveAsAValidPolicy() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		this.page.getByLabel("Start from a template").selectOption("http");
		button("Use template").click();
		assertThat(this.page.locator(".cm-content")).containsText("allow-get-public");
		assertThat(this.page.locator("#policy-summary")).containsText("GET");
		button("Save version").click();
		assertThat(this.page.getByText("Created as version 1.")).isVisible();
		var head = this.policies.get(this.ws, PolicyKey.parse("cnp", "default", "allow-get-public"), null).block();
		assertThat(head.version()).isEqualTo(1);
		assertThat(head.yaml()).contains("path: /public");
	}

	@Test
	void creatingWithATakenNameShouldBeRefusedTwiceAndNeverReplaceThePolicy() {
		this.changes.save(this.ws, null, policy("web", 80), null, "first", Actor.SYSTEM).block();
		signIn(Role.AUTHOR);
		expectFailedResponse(409, "/workspaces/" + this.ws + "/policies/new");
		newPolicyPage();
		yaml().fill(policy("web", 443));
		button("Save version").click();
		assertThat(this.page.locator("#exists")).containsText("already exists");
		Locator open = this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Open the existing policy"));
		assertThat(open).hasAttribute("href", Pattern.compile("/CiliumNetworkPolicy/shop/web$"));
		screenshot("editor-create-taken-name");
		// saving again is refused again
		button("Save version").click();
		assertThat(this.page.locator("#exists")).containsText("already exists");
		assertThat(this.page.locator("#policy-yaml")).hasValue(Pattern.compile("443"));
		var head = this.policies.get(this.ws, PolicyKey.parse("cnp", "shop", "web"), null).block();
		assertThat(head.version()).isEqualTo(1);
		assertThat(head.yaml()).contains("\"80\"").doesNotContain("443");
	}

	@Test
	void saveReloadAndSaveAgainShouldGrowTheHistory() {
		this.changes.save(this.ws, null, policy("web", 80), null, "first", Actor.SYSTEM).block();
		signIn(Role.AUTHOR);
		String edit = "/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/shop/web/edit";
		open(edit);
		assertThat(this.page.locator(".cm-editor")).isVisible();
		yaml().fill(policy("web", 443));
		this.page.getByLabel("Message").fill("TLS only");
		button("Save version").click();
		this.page.waitForURL("**?notice=updated");
		assertThat(this.page.locator(".history tbody tr")).hasCount(2);
		this.page.reload();
		assertThat(this.page.locator(".history tbody tr")).hasCount(2);
		open(edit);
		assertThat(this.page.locator(".cm-content")).containsText("443");
		yaml().fill(policy("web", 8443));
		button("Save version").click();
		this.page.waitForURL("**?notice=updated");
		assertThat(this.page.locator(".history tbody tr")).hasCount(3);
		screenshot("editor-history");
	}

	@Test
	void aFiveMegabytePasteShouldSayTheLimitAndKeepThePageResponsive() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		yaml().click();
		this.page.evaluate("""
				() => {
				  const line = 'x'.repeat(99) + '\\n';
				  const text = line.repeat(50 * 1024);
				  const data = new DataTransfer();
				  data.setData('text/plain', text);
				  document.querySelector('.cm-content').dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
				}""");
		assertThat(this.page.locator("#editor-status")).containsText("checks and saves at most 3,145,728");
		assertThat(problems()).containsText("5,120,000 characters");
		// still responsive: typing at the end works and the hidden field holds the whole text
		this.page.keyboard().press("Control+End");
		this.page.keyboard().type("y");
		Object length = this.page.evaluate("() => document.getElementById('policy-yaml').value.length");
		assertThat(((Number) length).intValue()).isEqualTo(5_120_001);
		screenshot("editor-five-megabytes");
	}

	@Test
	void aViewerOpeningAnEditUrlShouldGetAReadOnlyViewSayingWhy() {
		this.changes.save(this.ws, null, policy("web", 80), null, "first", Actor.SYSTEM).block();
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/shop/web/edit");
		assertThat(this.page.locator("#read-only")).containsText("Read-only: you have the");
		assertThat(this.page.locator(".cm-editor")).hasCount(0);
		assertThat(button("Save version")).hasCount(0);
	}


	@Test
	void binaryJunkAYamlBombAndTenThousandDocumentsShouldEachGiveAProblemNotAStuckPage() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		Locator count = this.page.locator("#problems-count");

		yaml().fill("\u0000\u0001\u0002PK\u0003\u0004\u00ff\ufffd binary");
		assertThat(problems()).containsText("U+0000");
		screenshot("editor-binary-junk");

		StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
		for (int i = 1; i < 14; i++) {
			String previous = "*a" + (i - 1);
			bomb.append("a").append(i).append(": &a").append(i).append(" [")
				.append(String.join(", ", java.util.Collections.nCopies(9, previous)))
				.append("]\n");
		}
		yaml().fill(bomb.toString());
		assertThat(problems()).containsText("YAML bomb");
		screenshot("editor-yaml-bomb");

		yaml().fill("kind: x\n---\n".repeat(10_100));
		// the server reads 10,000 documents before it stops: on a loaded machine that takes a while
		assertThat(problems()).containsText("more than 10000 documents",
				new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(90_000));
		assertThat(count).containsText("error");
		// the list stays short and the page answers
		assertThat(problems().locator("li")).hasCount(201);
		this.page.keyboard().press("Control+Home");
		assertThat(this.page.locator(".cm-activeLine")).containsText("kind: x");
		screenshot("editor-ten-thousand-documents");
	}

	@Test
	void aConflictShouldShowTheirChangesAndLetTheUserLoadTheirVersionOrOverwrite() {
		this.changes.save(this.ws, null, policy("web", 80), null, "first", Actor.SYSTEM).block();
		signIn(Role.AUTHOR);
		String edit = "/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/shop/web/edit";
		expectFailedResponse(409, edit);
		open(edit);
		assertThat(this.page.locator(".cm-editor")).isVisible();
		this.changes.save(this.ws, PolicyKey.parse("cnp", "shop", "web"), policy("web", 8443), 1, "someone else",
				Actor.SYSTEM).block();
		yaml().fill(policy("web", 9443));
		button("Save version").click();
		assertThat(this.page.getByText("Someone saved this policy while you were editing")).isVisible();
		assertThat(this.page.locator(".conflict tr.line-added")).containsText("8443");
		button("Load their version into the editor").click();
		assertThat(this.page.locator(".cm-content")).containsText("8443");
		assertThat(this.page.locator("#policy-yaml")).hasValue(Pattern.compile("8443"));
		screenshot("editor-conflict-theirs-loaded");
		button("Back to my text").click();
		assertThat(this.page.locator(".cm-content")).containsText("9443");
		button("Save version").click();
		this.page.waitForURL("**?notice=updated");
		assertThat(this.policies.get(this.ws, PolicyKey.parse("cnp", "shop", "web"), null).block().yaml())
			.contains("9443");
	}


	@Test
	void aSemanticLintWarningShouldShowLiveAndBeStoredForThePolicyPageAndTheListBadge() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		String fqdnWithoutDns = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: to-cilium-io
				  namespace: default
				spec:
				  endpointSelector:
				    matchLabels:
				      app: client
				  egress:
				  - toFQDNs:
				    - matchName: docs.cilium.io
				""";
		yaml().fill(fqdnWithoutDns);
		assertThat(problems()).containsText("No DNS rule");
		assertThat(problems().getByRole(AriaRole.BUTTON).first()).containsText("Line 12");
		button("Save version").click();
		assertThat(this.page.getByText("Created as version 1.")).isVisible();
		assertThat(this.page.locator("#warnings")).containsText("No DNS rule");
		open("/workspaces/" + this.ws);
		assertThat(this.page.locator("table.policies .badge-warn")).hasText("1 warning");
		screenshot("editor-lint-warning-badge");
	}


	@Test
	void leavingWithUnsavedChangesShouldAskFirst() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		java.util.List<String> dialogs = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.page.onDialog((dialog) -> {
			dialogs.add(dialog.type());
			dialog.dismiss();
		});
		yaml().fill(policy("web", 80));
		this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Cancel")).click();
		// dismissed: the page stays, with the text
		this.page.waitForCondition(() -> !dialogs.isEmpty());
		assertThat(dialogs).containsExactly("beforeunload");
		assertThat(this.page).hasURL(Pattern.compile("/policies/new$"));
		assertThat(this.page.locator(".cm-content")).containsText("name: web");
	}


	@Test
	void yamlAndVisualPaneShouldSitSideBySideFromElevenHundredPixelsWithTheGraphAcrossAndStackOnAPhone() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		yaml().fill(policy("web", 80));
		assertThat(graph()).isVisible();
		Locator yamlField = this.page.locator(".yaml-field");
		Locator visual = this.page.locator("#visual-pane");
		Locator graphCard = this.page.locator(".insight-graph");
		for (int width : new int[] { 1100, 1440 }) {
			this.page.setViewportSize(width, 1000);
			BoundingBox y = yamlField.boundingBox();
			BoundingBox v = visual.boundingBox();
			BoundingBox g = graphCard.boundingBox();
			assertThat(v.x).as("visual pane right of the YAML at %d px", width).isGreaterThanOrEqualTo(y.x + y.width);
			assertThat(Math.abs(v.y - y.y)).as("both panes start at one height at %d px", width).isLessThan(1.0);
			assertThat(g.y).as("graph below both panes at %d px", width)
				.isGreaterThanOrEqualTo(Math.max(y.y + y.height, v.y + v.height));
			assertThat(g.width).as("graph across both panes at %d px", width).isGreaterThan(0.95 * (v.x + v.width - y.x));
			screenshot("editor-side-by-side-" + width);
		}
		this.page.setViewportSize(390, 900);
		BoundingBox y = yamlField.boundingBox();
		BoundingBox v = visual.boundingBox();
		assertThat(v.y).as("visual pane below the YAML on a phone").isGreaterThanOrEqualTo(y.y + y.height);
		assertThat(graphCard.boundingBox().width).as("graph as wide as the YAML on a phone").isEqualTo(y.width);
		assertThat(this.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))
			.as("the page fits 390 px").isEqualTo(true);
		screenshot("editor-stacked-390");
	}

	@Test
	void theGraphShouldEnlargeInADialogZoomFromTheKeyboardAndGoBackOnEscape() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		Locator enlarge = button("Enlarge graph");
		assertThat(enlarge).isHidden();
		yaml().fill(policy("web", 8080));
		assertThat(graph()).hasAttribute("alt", Pattern.compile("8080"));
		double inCard = graph().boundingBox().width;
		double natural = ((Number) this.page.evaluate("() => document.getElementById('policy-graph').naturalWidth"))
			.doubleValue();
		enlarge.focus();
		this.page.keyboard().press("Enter");
		Locator dialog = this.page.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName("Graph, enlarged"));
		assertThat(dialog).isVisible();
		Locator big = dialog.getByRole(AriaRole.IMG, new Locator.GetByRoleOptions().setName("Policy graph"));
		assertThat(big).isVisible();
		assertThat(dialog.getByRole(AriaRole.REGION, new Locator.GetByRoleOptions().setName("Graph, scrollable")))
			.isFocused();
		Locator level = dialog.locator("#graph-zoom-level");
		assertThat(level).containsText("(fit)");
		assertThat(big.boundingBox().width).as("fitted to the window: larger than in its card").isGreaterThan(inCard);
		screenshot("editor-graph-enlarged");
		this.page.keyboard().press("1");
		assertThat(level).hasText("100%");
		assertThat(big.boundingBox().width).isCloseTo(natural, within(1.0));
		this.page.keyboard().type("+");
		assertThat(level).hasText("125%");
		assertThat(big.boundingBox().width).isCloseTo(natural * 1.25, within(1.0));
		dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Zoom out")).click();
		this.page.keyboard().type("-");
		assertThat(level).hasText("80%");
		this.page.keyboard().press("Escape");
		assertThat(dialog).isHidden();
		assertThat(enlarge).isFocused();
		// the one image is back in its card, at the card's size, and still follows the text
		assertThat(this.page.locator("#graph-home #policy-graph")).hasCount(1);
		assertThat(graph().boundingBox().width).isCloseTo(inCard, within(0.5));
		yaml().fill(policy("web", 9090));
		assertThat(graph()).hasAttribute("alt", Pattern.compile("9090"));
		enlarge.click();
		assertThat(big).hasAttribute("alt", Pattern.compile("9090"));
		dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Close")).click();
		assertThat(dialog).isHidden();
	}

	@Test
	void tabShouldIndentAndCtrlMThenTabShouldLeaveTheEditor() {
		signIn(Role.AUTHOR);
		newPolicyPage();
		yaml().click();
		this.page.keyboard().type("spec:");
		this.page.keyboard().press("Enter");
		this.page.keyboard().press("Tab");
		this.page.keyboard().type("x");
		assertThat(yaml()).isFocused();
		assertThat(this.page.locator("#policy-yaml")).hasValue(Pattern.compile("spec:\\n\\s{2,}x"));
		// Esc then Tab (within 2 s: timing-dependent on a loaded machine) or Ctrl+M (a switch) let Tab move focus
		this.page.keyboard().press("Control+m");
		this.page.keyboard().press("Tab");
		assertThat(yaml()).not().isFocused();
	}

}
