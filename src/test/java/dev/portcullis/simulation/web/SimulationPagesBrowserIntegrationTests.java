package dev.portcullis.simulation.web;

import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.engine.describe.BriefExamples;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.BundleImport;
import dev.portcullis.policy.Workspaces;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulation pages in Chromium, with the four examples of Cilium's L7 documentation stored in a workspace: a
 * viewer describes a request on the what-if page and sees each side's verdict and what the client receives; bad
 * traffic is refused on its field; a draft flips a matrix cell; a failing expectation turns red with its
 * explanation; a denied request becomes a suggested rule that then allows it.
 */
class SimulationPagesBrowserIntegrationTests extends BrowserTest {

	// the four examples of the brief (BriefExamples), under the names and labels these tests use
	static final String HTTP = BriefExamples.HTTP.replace("name: service-get-public", "name: rule1");

	static final String GRPC = BriefExamples.GRPC.replace("name: greeter-say-hello", "name: rule-grpc")
		.replace("app: greeter", "app: cc-door-mgr")
		.replace("app: client", "app: public-terminal");

	static final String KAFKA = BriefExamples.KAFKA.replace("name: empire-announce-produce", "name: empire-announce");

	static final String DNS = BriefExamples.DNS.replace("name: cilium-io-only", "name: fqdn")
		.replace("app: crawler", "app: test-app");

	@Autowired
	Workspaces workspaces;

	@Autowired
	BundleImport imports;

	private String examples() {
		String ws = "sim-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "", Actor.SYSTEM).block();
		this.imports.run(ws, HTTP + "---\n" + GRPC + "---\n" + KAFKA + "---\n" + DNS, "the four examples",
				Actor.SYSTEM).block();
		return ws;
	}

	private Locator button(String name) {
		return this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

	/** Chooses what an endpoint is: side from or to, kind pod, namespace, entity, ip or fqdn. */
	private void kind(String side, String kind) {
		this.page.locator("input[name=" + side + "Kind][value=" + kind + "]").check();
	}

	private void pod(String side, String namespace, String labels) {
		String id = side.equals("Source") ? "from" : "to";
		kind(id, "pod");
		this.page.locator("#" + id + "Namespace").fill(namespace);
		this.page.locator("#" + id + "Labels").fill(labels);
	}

	private Locator verdict() {
		return this.page.locator("article.verdict").first();
	}

	@Test
	void httpRequestShouldBeAllowedForGetPublicAndAnsweredWith403Otherwise() {
		String ws = examples();
		this.page.setViewportSize(1280, 900);
		signIn(Role.VIEWER);
		open("/workspaces/" + ws);
		this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("What if…")).click();
		pod("Source", "default", "env=prod");
		pod("Destination", "default", "app=service");
		this.page.getByLabel("Destination port").fill("80");
		this.page.getByLabel("HTTP", new Page.GetByLabelOptions().setExact(true)).check();
		this.page.locator("#httpMethod").fill("GET");
		this.page.getByLabel("Path").fill("/public");
		button("Decide").click();
		assertThat(verdict().locator(".headline")).hasText("Allowed");
		assertThat(verdict()).containsText("allowed, through the L7 proxy");
		assertThat(verdict().locator("a.rule-link").first()).hasText("CiliumNetworkPolicy/default/rule1");
		// the simulation is in the URL: reloading it decides the same again
		assertThat(this.page).hasURL(java.util.regex.Pattern.compile(".*/what-if\\?.*httpPath=%2Fpublic.*"));

		this.page.getByLabel("Path").fill("/private");
		button("Decide").click();
		assertThat(verdict().locator(".headline")).hasText("Denied by the HTTP proxy");
		assertThat(verdict().locator(".client-text")).containsText("HTTP 403 Forbidden");
		screenshot("what-if-1280-http-denied");
		this.page.reload();
		assertThat(verdict().locator(".client-text")).containsText("HTTP 403 Forbidden");
		assertThat(this.page.getByLabel("Path")).hasValue("/private");
	}

	@Test
	void grpcCallShouldBeAllowedForSayHelloAndDeniedWithPermissionDeniedOtherwise() {
		String ws = examples();
		this.page.setViewportSize(390, 900);
		signIn(Role.VIEWER);
		open("/workspaces/" + ws + "/what-if");
		pod("Source", "default", "app=public-terminal");
		pod("Destination", "default", "app=cc-door-mgr");
		this.page.getByLabel("Destination port").fill("50051");
		this.page.getByLabel("gRPC").check();
		this.page.getByLabel("Service").fill("helloworld.Greeter");
		this.page.locator("#grpcMethod").fill("SayHello");
		button("Decide").click();
		assertThat(verdict().locator(".headline")).hasText("Allowed");
		this.page.locator("#grpcMethod").fill("SayGoodbye");
		button("Decide").click();
		assertThat(verdict().locator(".client-text")).containsText("PERMISSION_DENIED");
		screenshot("what-if-390-grpc-denied");
		assertThat(fits()).isTrue();
	}

	@Test
	void kafkaProduceShouldBeAllowedToEmpireAnnounceOnlyAndAnsweredWithError29Otherwise() {
		String ws = examples();
		signIn(Role.VIEWER);
		open("/workspaces/" + ws + "/what-if");
		pod("Source", "default", "app=empire-hq");
		pod("Destination", "default", "app=kafka");
		this.page.getByLabel("Destination port").fill("9092");
		this.page.getByLabel("Kafka").check();
		this.page.getByLabel("API key").fill("produce");
		this.page.getByLabel("Topic").fill("empire-announce");
		button("Decide").click();
		assertThat(verdict().locator(".headline")).hasText("Allowed");
		this.page.getByLabel("Topic").fill("deathstar-plans");
		button("Decide").click();
		assertThat(verdict().locator(".client-text")).containsText("Kafka error 29");
	}

	@Test
	void dnsShouldBeAnsweredOnlyForCiliumIoAndRefusedOtherwiseAndTheNamesReachableOn443() {
		String ws = examples();
		signIn(Role.VIEWER);
		open("/workspaces/" + ws + "/what-if");
		pod("Source", "default", "app=test-app");
		pod("Destination", "kube-system", "k8s-app=kube-dns");
		this.page.getByLabel("Protocol").selectOption("UDP");
		this.page.getByLabel("Destination port").fill("53");
		this.page.getByLabel("DNS", new Page.GetByLabelOptions().setExact(true)).check();
		this.page.getByLabel("Query name").fill("docs.cilium.io");
		button("Decide").click();
		assertThat(verdict().locator(".headline")).hasText("Allowed");
		this.page.getByLabel("Query name").fill("example.com");
		button("Decide").click();
		assertThat(verdict().locator(".client-text")).containsText("REFUSED");

		// egress to the names it learned: 443 to docs.cilium.io passes, to example.com it is dropped
		kind("to", "fqdn");
		this.page.locator("#toFqdn").fill("docs.cilium.io");
		this.page.getByLabel("Protocol").selectOption("TCP");
		this.page.getByLabel("Destination port").fill("443");
		this.page.getByLabel("None (L3/L4)").check();
		button("Decide").click();
		assertThat(verdict().locator(".headline")).hasText("Allowed");
		this.page.locator("#toFqdn").fill("example.com");
		button("Decide").click();
		assertThat(verdict().locator(".headline")).hasText("Denied at egress (no rule allows it)");
	}

	@Test
	void impossibleTrafficShouldBeRefusedOnItsFieldsWithoutAVerdict() {
		String ws = examples();
		signIn(Role.VIEWER);
		open("/workspaces/" + ws + "/what-if");
		expectFailedResponse(422, "/workspaces/" + ws + "/what-if");
		kind("from", "fqdn");
		this.page.locator("#fromFqdn").fill("api.example.com");
		pod("Destination", "default", "app=service");
		this.page.getByLabel("Protocol").selectOption("UDP");
		this.page.getByLabel("Destination port").fill("70000");
		this.page.getByLabel("HTTP", new Page.GetByLabelOptions().setExact(true)).check();
		button("Decide").click();
		assertThat(this.page.locator("#fromFqdn")).hasAttribute("aria-invalid", "true");
		assertThat(this.page.locator("#fromFqdn + .field-error")).containsText("can only be a destination");
		assertThat(this.page.locator("#port-error")).containsText("0 to 65535");
		assertThat(this.page.locator("article.verdict")).hasCount(0);
		screenshot("what-if-1280-refused");

		this.page.locator("#fromFqdn").fill("");
		kind("from", "entity");
		this.page.locator("#fromEntity").fill("galaxy");
		this.page.getByLabel("Destination port").fill("80");
		button("Decide").click();
		assertThat(this.page.locator("#fromEntity + .field-error")).containsText("Unknown entity \"galaxy\"");
		assertThat(this.page.locator("#protocol + .field-error")).containsText("HTTP runs over TCP, not UDP");
	}

	@Test
	void matrixCellShouldFlipWhenADraftOpensThePortAndLinkToItsExplanation() {
		String ws = examples();
		this.page.setViewportSize(1280, 900);
		signIn(Role.VIEWER);
		open("/workspaces/" + ws + "/matrix");
		this.page.getByLabel("Sources").fill("default: env=prod\ndefault: env=dev");
		this.page.getByLabel("Destinations").fill("default: app=service");
		this.page.getByLabel("Ports").fill("80, 8080");
		button("Show the matrix").click();
		Locator cells = this.page.locator("table.matrix tbody td");
		assertThat(cells).hasCount(4);
		assertThat(cells.nth(0)).hasText("allowed");
		assertThat(cells.nth(1)).hasText("denied");
		assertThat(cells.nth(2)).hasText("denied");

		this.page.getByLabel("Draft").fill(HTTP.replace("- port: \"80\"", "- port: \"80\"\n        protocol: TCP\n      - port: \"8080\""));
		button("Show the matrix").click();
		assertThat(this.page.locator("td.cell-changed")).hasCount(1);
		assertThat(cells.nth(1)).hasText("denied → allowed");
		assertThat(this.page.getByText("The draft changes 1 cell (highlighted).")).isVisible();
		screenshot("matrix-1280-draft");

		// a cell explains itself on the what-if page, the draft compared with the latest versions
		cells.nth(1).locator("a").click();
		assertThat(this.page.locator("article.verdict")).hasCount(2);
		assertThat(this.page.locator("article.verdict-changed")).hasCount(2);
		assertThat(this.page.getByText("The two states decide this traffic differently.")).isVisible();
	}

	@Test
	void editorTextShouldOpenAsADraftOnTheWhatIfPage() {
		String ws = examples();
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws + "/policies/CiliumNetworkPolicy/default/rule1/edit");
		button("Try in what-if").click();
		assertThat(this.page).hasURL(baseUrl() + "/workspaces/" + ws + "/what-if");
		assertThat(this.page.locator("input[name=state][value=draft]")).isChecked();
		assertThat(this.page.locator("#draft")).hasValue(java.util.regex.Pattern.compile("name: rule1"));
		pod("Source", "default", "env=prod");
		pod("Destination", "default", "app=service");
		this.page.getByLabel("Destination port").fill("80");
		this.page.getByLabel("Compare with").selectOption("latest");
		button("Decide").click();
		assertThat(this.page.locator("article.verdict")).hasCount(2);
		assertThat(this.page.getByText("Both states decide this traffic the same way.")).isVisible();
	}

	@Test
	void failingExpectationShouldTurnRedWithItsExplanation() {
		String ws = examples();
		this.page.setViewportSize(390, 900);
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws + "/expectations");
		this.page.getByLabel("Expectations (YAML)").fill("""
				expectations:
				- name: prod reads the public page
				  from: {pod: {namespace: default, labels: {env: prod}}}
				  to: {pod: {namespace: default, labels: {app: service}}}
				  port: 80
				  http: {method: GET, path: /public}
				  expect: allowed
				- name: prod may post to the public page
				  from: {pod: {namespace: default, labels: {env: prod}}}
				  to: {pod: {namespace: default, labels: {app: service}}}
				  port: 80
				  http: {method: POST, path: /public}
				  expect: allowed
				""");
		button("Save").click();
		assertThat(this.page.locator("#outcome")).containsText("Saved as version 1 (2 expectations).");
		button("Run").click();
		assertThat(this.page.locator("#run-heading")).containsText("1 failed");
		Locator failed = this.page.locator(".expectation-results li.failed");
		assertThat(failed).hasCount(1);
		assertThat(failed).containsText("prod may post to the public page");
		assertThat(failed).containsText("HTTP 403 Forbidden");
		assertThat(failed.locator("details")).hasAttribute("open", "open");
		assertThat(this.page.locator(".expectation-results li.passed")).containsText("prod reads the public page");
		screenshot("expectations-390-failed");
		assertThat(fits()).isTrue();

		// a document with an error is refused with its line and column, nothing saved
		expectFailedResponse(422, "/workspaces/" + ws + "/expectations");
		this.page.getByLabel("Expectations (YAML)").fill("expectations:\n- name: bad\n  from: {pod: {namespace: default}}\n  to: {entity: world}\n  port: 99999\n  expect: allowed\n");
		button("Save").click();
		assertThat(this.page.locator("#outcome")).containsText("Nothing was saved");
		assertThat(this.page.locator("#outcome .problems")).containsText("Line 5, column");
	}

	@Test
	void deniedRequestShouldTurnIntoADraftRuleThatThenPasses() {
		String ws = examples();
		this.page.setViewportSize(1280, 900);
		signIn(Role.VIEWER);
		open("/workspaces/" + ws + "/what-if");
		pod("Source", "default", "env=prod");
		pod("Destination", "default", "app=service");
		this.page.getByLabel("Destination port").fill("80");
		this.page.getByLabel("HTTP", new Page.GetByLabelOptions().setExact(true)).check();
		this.page.locator("#httpMethod").fill("POST");
		this.page.getByLabel("Path").fill("/orders");
		button("Decide").click();
		assertThat(verdict().locator(".client-text")).containsText("HTTP 403 Forbidden");
		button("Suggest a rule that allows it").click();
		assertThat(this.page.locator("#suggestion pre")).containsText("POST");
		assertThat(this.page.locator("input[name=state][value=draft]")).isChecked();
		assertThat(this.page.locator("article.verdict")).hasCount(2);
		assertThat(verdict().locator(".headline")).hasText("Allowed");
		assertThat(this.page.locator("article.verdict").nth(1).locator(".headline")).hasText("Denied by the HTTP proxy");
		screenshot("what-if-1280-suggested");
	}

	@Test
	void selectsShouldShowThePoliciesSelectingAPodAndTheRulesNamingItAsAPeer() {
		String ws = examples();
		signIn(Role.VIEWER);
		open("/workspaces/" + ws);
		this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Which policies select")).click();
		this.page.getByLabel("Namespace").fill("default");
		this.page.getByLabel("Labels").fill("app=service");
		button("Show").click();
		assertThat(this.page.locator("#side-ingress")).containsText("default deny");
		assertThat(this.page.locator("#side-ingress")).containsText("CiliumNetworkPolicy/default/rule1");
		assertThat(this.page.locator("#side-egress")).containsText("not enforced");
		assertThat(this.page).hasURL(java.util.regex.Pattern.compile(".*/selects\\?namespace=default&labels=app%3Dservice.*"));

		this.page.getByLabel("Labels").fill("env=prod");
		button("Show").click();
		assertThat(this.page.locator("#side-ingress")).containsText("not enforced");
		assertThat(this.page.locator("#side-ingress")).containsText("spec.ingress[0]");
	}

	private boolean fits() {
		Object fits = this.page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth");
		return Boolean.TRUE.equals(fits);
	}

}
