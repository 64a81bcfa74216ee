package dev.portcullis.flow.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.BundleImport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flow log in a real browser, with real Hubble flows: filter by a flag line, open a flow's detail, a label
 * becomes a filter, older pages, at 390 px and 1280 px.
 */
class FlowPagesBrowserIntegrationTests extends BrowserTest {

	@Autowired
	BundleImport imports;

	String ws;

	@BeforeEach
	void uploadFlows() throws IOException {
		this.ws = "flowpage-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		StringBuilder ndjson = new StringBuilder();
		for (String file : new String[] { "basic-sample-10-flows.json", "basic-sample-348-http-flows.json" }) {
			try (InputStream in = getClass().getResourceAsStream("/flows/" + file)) {
				ndjson.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
			}
		}
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(ndjson.toString()).exchange()
			.expectStatus().isOk();
	}

	@Test
	void viewerShouldFilterByAFlagLineOpenAFlowAndFilterByOneOfItsLabels() {
		this.page.setViewportSize(1280, 900);
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/flows");
		assertThat(this.page.locator("h1")).hasText("Flow log");
		assertThat(this.page.locator("#flow-rows tr")).hasCount(50);
		this.page.getByLabel("Filter (hubble observe flags)").fill("--to-namespace bookinfo --http-status 2+ --http-method GET");
		button("Apply").click();
		assertThat(this.page.locator(".chip")).hasCount(3);
		assertThat(this.page.locator("#command")).hasText("hubble observe --to-namespace bookinfo --http-status 2+ --http-method GET");
		Locator rows = this.page.locator("#flow-rows tr");
		assertThat(rows.first()).containsText("bookinfo/");
		assertThat(rows.first().locator(".col-l7")).containsText("HTTP GET");
		for (String l7 : rows.locator(".col-l7").allTextContents()) {
			assertThat(l7).startsWith("HTTP GET").containsPattern("→ 2[0-9][0-9]");
		}
		screenshot("flows-filtered");

		rows.first().locator("a.flow-link").click();
		assertThat(this.page.locator("#flow-panel")).isVisible();
		assertThat(this.page.locator("#flow-panel h3").first()).hasText("Policies then");
		assertThat(this.page.locator("#flow-panel .engine-verdict").first()).isVisible();
		this.page.getByText("Raw JSON").click();
		assertThat(this.page.locator(".raw-json")).containsText("\"verdict\"");
		screenshot("flows-detail");

		this.page.locator("#destination-labels a", new Page.LocatorOptions().setHasText("k8s:app=")).first().click();
		assertThat(this.page.locator(".chip").last()).containsText("to-label k8s:app=");
		String chip = this.page.locator(".chip").last().textContent();
		String app = chip.substring(chip.indexOf("k8s:app=") + "k8s:app=".length()).replace("×", "").strip();
		for (String destination : this.page.locator("#flow-rows .col-destination").allTextContents()) {
			assertThat(destination).contains(app);
		}
	}

	@Test
	void draftARuleInWhatIfShouldOpenTheWhatIfPageFilledWithTheFlowAndDecided() {
		// kube-dns takes ingress from node-local-dns only, so Prometheus scraping it is denied
		this.imports.run(this.ws, """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: dns-only
				  namespace: kube-system
				spec:
				  endpointSelector:
				    matchLabels:
				      k8s-app: kube-dns
				  ingress:
				  - fromEndpoints:
				    - matchLabels:
				        k8s-app: node-local-dns
				""", "kube-dns ingress", Actor.SYSTEM).block();
		this.page.setViewportSize(1280, 900);
		signIn(Role.AUTHOR);
		open("/workspaces/" + this.ws + "/flows");
		this.page.getByLabel("Filter (hubble observe flags)")
			.fill("--from-label k8s:app=prometheus --to-label k8s:k8s-app=kube-dns --http-method GET");
		button("Apply").click();
		assertThat(this.page.locator(".chip")).hasCount(3);
		this.page.locator("#flow-rows tr").first().locator("a.flow-link").click();
		assertThat(this.page.locator("#flow-panel")).isVisible();

		this.page.getByText("Draft a rule in what-if").click();

		assertThat(this.page.locator("h1")).containsText("What if");
		assertThat(this.page.locator("input[type=radio][name=fromKind][value=pod]")).isChecked();
		assertThat(this.page.locator("#fromNamespace")).hasValue("istio-system");
		assertThat(this.page.locator("#fromLabels")).hasValue(java.util.regex.Pattern.compile(".*app=prometheus.*"));
		assertThat(this.page.locator("#toNamespace")).hasValue("kube-system");
		assertThat(this.page.locator("#toLabels")).hasValue(java.util.regex.Pattern.compile(".*k8s-app=kube-dns.*"));
		assertThat(this.page.locator("#port")).hasValue("10054");
		assertThat(this.page.locator("#httpPath")).hasValue("/metrics");
		Locator verdict = this.page.locator("article.verdict").first();
		assertThat(verdict.locator(".headline")).containsText("Denied");
		screenshot("flows-what-if-from-flow");

		button("Suggest a rule that allows it").click();
		assertThat(this.page.locator("#suggestion")).isVisible();
		assertThat(this.page.locator("article.verdict").first().locator(".headline")).containsText("Allowed");
	}

	@Test
	void draftARuleFromAReplyShouldOpenTheWhatIfPageWithTheConnectionItAnswers() {
		this.page.setViewportSize(1280, 900);
		signIn(Role.AUTHOR);
		open("/workspaces/" + this.ws + "/flows");
		// the HTTP responses of kube-dns to Prometheus's scrapes: to Prometheus's ephemeral port
		this.page.getByLabel("Filter (hubble observe flags)")
			.fill("--from-label k8s:k8s-app=kube-dns --to-label k8s:app=prometheus --http-method GET");
		button("Apply").click();
		Locator reply = this.page.locator("#flow-rows tr").first();
		assertThat(reply.locator(".col-l7")).containsText("→ 200");
		reply.locator("a.flow-link").click();
		assertThat(this.page.locator("#reply-hint")).isVisible();

		this.page.getByText("Draft a rule in what-if").click();

		assertThat(this.page.locator("h1")).containsText("What if");
		assertThat(this.page.locator("#fromNamespace")).hasValue("istio-system");
		assertThat(this.page.locator("#fromLabels")).hasValue(java.util.regex.Pattern.compile(".*app=prometheus.*"));
		assertThat(this.page.locator("#toNamespace")).hasValue("kube-system");
		assertThat(this.page.locator("#toLabels")).hasValue(java.util.regex.Pattern.compile(".*k8s-app=kube-dns.*"));
		assertThat(this.page.locator("#port")).hasValue("10054");
		assertThat(this.page.locator("#httpPath")).hasValue("/metrics");
	}

	@Test
	void eventsHubbleLostInTheMinutesShownShouldBeShownAsAGap() {
		String flow = """
				{"flow":{"time":"2022-01-01T00:00:30Z","verdict":"FORWARDED","IP":{"source":"10.0.0.5","destination":"10.0.0.6"},\
				"l4":{"TCP":{"source_port":41000,"destination_port":80}},"source":{"namespace":"default","pod_name":"a",\
				"labels":["k8s:app=a"]},"destination":{"namespace":"default","pod_name":"b","labels":["k8s:app=b"]},\
				"node_name":"node-a","Type":"L3_L4"},"node_name":"node-a","time":"2022-01-01T00:00:30Z"}""";
		String lostThen = """
				{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":4200,"cpu":{"value":1}},\
				"node_name":"node-a","time":"2022-01-01T00:00:10Z"}""";
		String lostLongBefore = """
				{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":7,"cpu":{"value":1}},\
				"node_name":"node-b","time":"2020-01-01T00:00:10Z"}""";
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson"))
			.bodyValue(flow + "\n" + lostThen + "\n" + lostLongBefore + "\n").exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.lostEvents").isEqualTo(4207);
		signIn(Role.VIEWER);

		open("/workspaces/" + this.ws + "/flows");

		Locator gaps = this.page.locator("#flow-gaps");
		assertThat(gaps).containsText("Hubble reported events lost");
		assertThat(gaps.locator("li")).hasCount(1);
		assertThat(gaps.locator("li")).hasText("node-a: 4,200 events lost at 2022-01-01 00:00 UTC");

		open("/workspaces/" + this.ws + "/flows?q=--until+2021-12-31T00:00:00Z");
		assertThat(this.page.locator("#flow-rows tr").first()).isVisible();
		assertThat(this.page.locator("#flow-gaps")).hasCount(0);
	}

	@Test
	void serviceMapOfAnOldExportShouldOfferTheHourUpToItsNewestFlow() {
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/flows/map");
		assertThat(this.page.locator("#no-edges")).containsText("No flows in this window.");

		this.page.locator("#newest-window").click();

		assertThat(this.page.locator("svg.service-map line").first()).isAttached();
		assertThat(this.page.locator("#no-edges")).hasCount(0);
		assertThat(this.page.locator("#until")).hasValue(java.util.regex.Pattern.compile("2021-.*"));
	}

	@Test
	void badFlagLineShouldBeShownOnThePage() {
		signIn(Role.VIEWER);
		expectFailedResponse(400, "/workspaces/" + this.ws + "/flows?q=--verdict+MAYBE");
		open("/workspaces/" + this.ws + "/flows");
		this.page.getByLabel("Filter (hubble observe flags)").fill("--verdict MAYBE");
		button("Apply").click();
		assertThat(this.page.locator("#filter-error")).containsText("\"MAYBE\"");
		assertThat(this.page.locator("#flow-rows tr")).hasCount(0);
	}

	@Test
	void hideSwitchesShouldBeInTheCommandToCopyOrSaidToBeLeftOut() {
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/flows");
		this.page.getByLabel("Host").check();
		button("Apply").click();
		assertThat(this.page.locator("#command")).hasText("hubble observe --not --label reserved:host");
		assertThat(this.page.locator("#command-note")).hasCount(0);

		this.page.getByLabel("Filter (hubble observe flags)").fill("--not --verdict DROPPED");
		button("Apply").click();
		assertThat(this.page.locator("#command")).hasText("hubble observe --not --verdict DROPPED");
		assertThat(this.page.locator("#command-note")).containsText("The Hide switches are not in this command");
	}

	@Test
	void everyDefaultColumnShouldBeVisibleAt1280PxWithoutScrollingAndSortMarkedOnTheHeader() {
		this.page.setViewportSize(1280, 900);
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/flows");
		assertThat(this.page.locator("#flow-rows tr")).hasCount(50);
		Object overflow = this.page.evaluate("() => { const w = document.querySelector('.table-wrap'); "
				+ "return w.scrollWidth - w.clientWidth; }");
		assertThat(((Number) overflow).intValue()).as("horizontal scrolling of the flow table").isLessThanOrEqualTo(0);
		double right = this.page.locator(".table-wrap").boundingBox().x + this.page.locator(".table-wrap").boundingBox().width;
		for (String column : new String[] { "time", "source", "destination", "port", "l7", "verdict", "drop",
				"decided" }) {
			var box = this.page.locator("#flows th.col-" + column).boundingBox();
			assertThat(box.x + box.width).as(column + " header's right edge").isLessThanOrEqualTo(right + 0.5);
		}
		// the time: date over clock, the full time as the title
		Locator time = this.page.locator("#flow-rows tr").first().locator("td.col-time time");
		assertThat(time).hasAttribute("title", java.util.regex.Pattern.compile("^2021-\\d\\d-\\d\\dT.*Z$"));
		assertThat(time.locator(".date")).hasText(java.util.regex.Pattern.compile("^2021-\\d\\d-\\d\\d$"));
		assertThat(time.locator(".clock")).hasText(java.util.regex.Pattern.compile("^\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z$"));
		screenshot("flows-1280");
		// no policy in this workspace: "Decided by" says so rather than staying blank, and its title says why
		Locator decided = this.page.locator("#flow-rows tr").first().locator("td.col-decided");
		assertThat(decided).hasText("no policy");
		assertThat(decided).hasAttribute("title",
				java.util.regex.Pattern.compile("^Engine verdict under the policies then: FORWARDED: (egress|ingress) not "));

		// sorting is announced on the column header
		Locator source = this.page.locator("#flows th.col-source button.sort");
		source.click();
		assertThat(this.page.locator("#flows th.col-source")).hasAttribute("aria-sort", "ascending");
		assertThat(source.getAttribute("aria-sort")).as("aria-sort on the button").isNull();
		source.click();
		assertThat(this.page.locator("#flows th.col-source")).hasAttribute("aria-sort", "descending");
		this.page.locator("#flows th.col-port button.sort").click();
		assertThat(this.page.locator("#flows th.col-port")).hasAttribute("aria-sort", "ascending");
		assertThat(this.page.locator("#flows th[aria-sort]")).hasCount(1);
	}

	@Test
	void labelSelectorShouldHideFlowsOfEitherSideAndGoIntoTheCommand() {
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/flows");
		assertThat(this.page.locator("#flow-rows")).containsText("prometheus");
		this.page.getByLabel("Label selector").fill("app=prometheus");
		button("Apply").click();
		assertThat(this.page).hasURL(java.util.regex.Pattern.compile(".*hide_label=app%3Dprometheus.*"));
		assertThat(this.page.locator("#flow-rows tr").first()).isVisible();
		assertThat(this.page.locator("#flow-rows")).not().containsText("prometheus");
		assertThat(this.page.getByLabel("Label selector")).hasValue("app=prometheus");
		assertThat(this.page.locator("#command")).hasText("hubble observe --not --label app=prometheus");
		assertThat(this.page.locator("#command-note")).hasCount(0);

		// kept with the other switches
		this.page.getByLabel("Host").check();
		assertThat(this.page.locator("#command"))
			.hasText("hubble observe --not --label reserved:host --not --label app=prometheus");
		assertThat(this.page.getByLabel("Label selector")).hasValue("app=prometheus");

		this.page.getByLabel("Label selector").fill("app in (");
		button("Apply").click();
		assertThat(this.page.locator("#filter-error")).containsText("hide_label");
		assertThat(this.page.getByLabel("Label selector")).hasValue("app in (");
	}

	@Test
	void hiddenLabelSelectorShouldHaveAChipWhoseRemovalShowsItsFlowsAgain() {
		this.page.setViewportSize(1280, 900);
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/flows?verdict=FORWARDED&hide_label=app%3Dprometheus&hide_label=k8s%3Aapp%3Dratings");
		Locator chips = this.page.locator(".chip");
		assertThat(chips).hasCount(3);
		assertThat(chips.nth(1)).containsText("hiding app=prometheus");
		assertThat(chips.nth(2)).containsText("hiding k8s:app=ratings");
		assertThat(this.page.locator("#flow-rows tr").first()).isVisible();
		assertThat(this.page.locator("#flow-rows")).not().containsText("prometheus");
		screenshot("flows-hiding-chips");

		this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Remove hiding app=prometheus")).click();

		assertThat(this.page).hasURL(java.util.regex.Pattern.compile(".*/flows\\?verdict=FORWARDED&hide_label=k8s%3Aapp%3Dratings$"));
		assertThat(this.page.locator(".chip")).hasCount(2);
		assertThat(this.page.locator(".chip").last()).containsText("hiding k8s:app=ratings");
		assertThat(this.page.locator("#flow-rows")).containsText("prometheus");
		assertThat(this.page.getByLabel("Label selector")).hasValue("k8s:app=ratings");
		assertThat(this.page.locator("#command"))
			.hasText("hubble observe --verdict FORWARDED --not --label k8s:app=ratings");

		this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Remove hiding k8s:app=ratings")).click();
		assertThat(this.page).hasURL(java.util.regex.Pattern.compile(".*/flows\\?verdict=FORWARDED$"));
		assertThat(this.page.locator(".chip")).hasCount(1);
		assertThat(this.page.getByLabel("Label selector")).hasValue("");
	}

	@Test
	void sourceAndDestinationNamesShouldWrapOnlyAfterASlashOrADashAt1280Px() {
		this.page.setViewportSize(1280, 900);
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/flows");
		assertThat(this.page.locator("#flow-rows tr")).hasCount(50);
		// where each name's lines break: the character before each break, per cell
		@SuppressWarnings("unchecked")
		Map<String, Object> found = (Map<String, Object>) this.page.evaluate("""
				() => {
				  const bad = [];
				  let wrapped = 0;
				  for (const td of document.querySelectorAll('#flow-rows td.col-source, #flow-rows td.col-destination')) {
				    let text = '';
				    let lastTop = null;
				    let lines = 1;
				    for (const node of td.childNodes) {
				      if (node.nodeType !== Node.TEXT_NODE) continue;
				      for (let i = 0; i < node.length; i++) {
				        const range = document.createRange();
				        range.setStart(node, i);
				        range.setEnd(node, i + 1);
				        const box = range.getBoundingClientRect();
				        if (box.width > 0 && lastTop !== null && box.top > lastTop + 2) {
				          lines++;
				          if (!/[-/ ]$/.test(text)) bad.push(td.textContent + ' broken after ' + JSON.stringify(text));
				        }
				        if (box.width > 0) lastTop = box.top;
				        text += node.data[i];
				      }
				    }
				    if (lines > 1) wrapped++;
				  }
				  return { bad, wrapped };
				}""");
		assertThat((java.util.List<String>) found.get("bad")).as("names broken mid-word").isEmpty();
		assertThat(((Number) found.get("wrapped")).intValue()).as("names that wrap at 1280 px").isPositive();
		Object overflow = this.page.evaluate("() => { const w = document.querySelector('.table-wrap'); "
				+ "return w.scrollWidth - w.clientWidth; }");
		assertThat(((Number) overflow).intValue()).as("horizontal scrolling of the flow table").isLessThanOrEqualTo(0);
		screenshot("flows-names-1280");

		this.page.setViewportSize(390, 844);
		open("/workspaces/" + this.ws + "/flows");
		Object pageOverflow = this.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
		assertThat(((Number) pageOverflow).intValue()).as("horizontal overflow of the page").isLessThanOrEqualTo(0);
		screenshot("flows-names-390");
	}

	@Test
	void pageShouldFitA390PxScreenAndLoadOlderFlows() {
		this.page.setViewportSize(390, 844);
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/flows");
		assertThat(this.page.locator("#flow-rows tr")).hasCount(50);
		Object overflow = this.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
		assertThat(((Number) overflow).intValue()).as("horizontal overflow of the page").isLessThanOrEqualTo(0);
		this.page.getByText("Older flows").click();
		assertThat(this.page.locator("#flow-rows tr")).hasCount(100);
		this.page.screenshot(new Page.ScreenshotOptions().setPath(java.nio.file.Path.of("target", "screenshots",
				"flows-390.png")));
		open("/workspaces/" + this.ws + "/flows/map?since=2021-06-01T00:00:00Z");
		assertThat(this.page.locator("svg.service-map")).isVisible();
		screenshot("flows-map-390");
	}

	@Test
	void liveTailShouldShowANewFlowAndHoldItWhilePaused() {
		signIn(Role.VIEWER);
		open("/workspaces/" + this.ws + "/flows?verdict=DROPPED");
		button("Live").click();
		assertThat(this.page.locator("#live-status")).containsText("Live");
		String flow = "{\"flow\":{\"time\":\"" + java.time.Instant.now() + "\",\"verdict\":\"DROPPED\","
				+ "\"drop_reason_desc\":\"POLICY_DENIED\",\"IP\":{\"source\":\"10.7.7.7\",\"destination\":\"10.0.0.2\"},"
				+ "\"l4\":{\"TCP\":{\"destination_port\":8080}},\"source\":{\"labels\":[\"reserved:world\"]},"
				+ "\"destination\":{\"namespace\":\"shop\",\"pod_name\":\"cart-1\",\"labels\":[\"k8s:app=cart\"]}}}\n";
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(flow).exchange()
			.expectStatus().isOk();
		assertThat(this.page.locator("#flow-rows tr").first()).containsText("shop/cart-1");
		assertThat(this.page.locator("#flow-rows tr").first()).containsText("POLICY_DENIED");
		// the live row has the page rows' shape: date over clock, the full time as the title
		Locator time = this.page.locator("#flow-rows tr").first().locator("td.col-time time");
		assertThat(time).hasAttribute("title", java.util.regex.Pattern.compile("^\\d{4}-.*T.*Z$"));
		assertThat(time.locator(".date")).hasText(java.util.regex.Pattern.compile("^\\d{4}-\\d\\d-\\d\\d$"));
		assertThat(time.locator(".clock")).hasText(java.util.regex.Pattern.compile("^\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z$"));
		assertThat(this.page.locator("#flow-rows tr").first().locator("td.col-decided")).hasText("no policy");
		// and its names wrap where the page's do: after "/" and "-"
		assertThat(this.page.locator("#flow-rows tr").first().locator("td.col-destination wbr")).hasCount(2);

		button("Pause").click();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson"))
			.bodyValue(flow.replace("cart-1", "cart-2").replace(flow.substring(flow.indexOf("\"time\":\"") + 8,
					flow.indexOf("\",\"verdict")), java.time.Instant.now().toString()))
			.exchange().expectStatus().isOk();
		assertThat(this.page.locator("#live-status")).containsText("1 new");
		assertThat(this.page.locator("#flow-rows")).not().containsText("cart-2");
		button("Resume").click();
		assertThat(this.page.locator("#flow-rows tr").first()).containsText("shop/cart-2");
	}

	private Locator button(String name) {
		return this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

}
