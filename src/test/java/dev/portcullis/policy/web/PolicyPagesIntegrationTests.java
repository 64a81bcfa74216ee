package dev.portcullis.policy.web;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.policy.Policies;
import dev.portcullis.policy.PolicyChanges;
import dev.portcullis.identity.Actor;
import dev.portcullis.web.Htmx;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static dev.portcullis.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy pages where a user was misled: "New policy" on an existing name, viewers on write pages, warnings only
 * at save time, error pages without words or navigation, doubled and mis-styled banners, moments and counts.
 */
class PolicyPagesIntegrationTests extends IntegrationTest {

	@Autowired
	Workspaces workspaces;

	@Autowired
	Policies policies;

	@Autowired
	PolicyChanges changes;

	private String workspace() {
		String name = "pp-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(name, "", Actor.SYSTEM).block();
		return name;
	}

	private static MultiValueMap<String, String> form(String... pairs) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			form.add(pairs[i], pairs[i + 1]);
		}
		return form;
	}

	private static String attribute(String html, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(html);
		assertThat(matcher.find()).as("%s in the page", regex).isTrue();
		return matcher.group(1).replace("&amp;", "&");
	}

	@Test
	void newPolicyNamingAnExistingOneShouldSayItExistsKeepTheTextAndNeverReplaceIt() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "theirs", Actor.SYSTEM).block();
		WebTestClient author = as(Role.AUTHOR);
		String mine = policy("web", 9999);
		String html = author.post().uri("/workspaces/{ws}/policies/new", ws).header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("yaml", mine, "message", "unrelated")))
			.exchange()
			.expectStatus().isEqualTo(409)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("CiliumNetworkPolicy/shop/web</span> already exists", "Open the existing policy",
				"href=\"/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web\"", "9999",
				"Your text is kept below and nothing was saved.")
			.doesNotContain("Someone saved this policy while you were editing");

		// Save again, exactly as the re-rendered form would post: refused again, the policy stays as it was
		String action = attribute(html, "<form id=\"editor\"[^>]* action=\"([^\"]+)\"");
		String base = attribute(html, "name=\"baseVersion\" value=\"([^\"]*)\"");
		assertThat(action).isEqualTo("/workspaces/" + ws + "/policies/new");
		author.post().uri(java.net.URI.create("http://localhost" + action).getPath())
			.body(BodyInserters.fromFormData(form("yaml", mine, "message", "unrelated", "baseVersion", base)))
			.exchange()
			.expectStatus().isEqualTo(409);
		assertThat(this.policies.get(ws, PolicyKey.parse("cnp", "shop", "web"), null).block().version()).isEqualTo(1);
	}

	@Test
	void viewerShouldSeeTheWritePagesReadOnlyWithTheReason() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		String policyPage = "/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web";
		for (String path : new String[] { "/workspaces/" + ws + "/policies/new", policyPage + "/edit",
				"/workspaces/" + ws + "/import" }) {
			String html = as(Role.VIEWER).get().uri(path).exchange()
				.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
			assertThat(html).as(path).contains("Read-only: you have the", ">viewer</span> role;", "authors can")
				.doesNotContain("<textarea", "<input type=\"file\"", "Save version", ">Import</button>");
		}
		assertThat(as(Role.AUTHOR).get().uri(policyPage + "/edit").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody()).contains("<textarea", "Save version")
			.doesNotContain("Read-only");
	}

	@Test
	void warningsShouldShowOnThePolicyPageAndAsABadgeInTheList() {
		String ws = workspace();
		String kafka = policy("orders", 9092).replace("        protocol: TCP\n", "        protocol: TCP\n"
				+ "      rules:\n        kafka:\n        - role: consume\n          topic: orders\n");
		this.changes.save(ws, null, kafka, null, "", Actor.SYSTEM).block();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		String list = as(Role.VIEWER).get().uri("/workspaces/{ws}", ws).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(list).containsPattern(">orders</a>\\s*<span class=\"badge badge-warn\">1 warning</span>");
		assertThat(list.substring(list.indexOf(">web</a>"))).doesNotContain("badge-warn");
		String page = as(Role.VIEWER).get().uri("/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/orders", ws).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(page).contains("id=\"warnings\"", "The engine warns about this version", "removed in Cilium 1.20",
				"Line 21, column 9");
	}

	@Test
	void aVersionThatIsNotANumberShouldGetA400PageSayingSo() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		String html = as(Role.VIEWER).get().uri("/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web?version=abc", ws)
			.accept(MediaType.TEXT_HTML).exchange()
			.expectStatus().isBadRequest()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("The version must be a whole number, such as 3.").doesNotContain(">Bad Request<");
	}

	@Test
	void aDiffWithAMissingVersionShouldSayWhichVersionDoesNotExist() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		String html = as(Role.VIEWER).get().uri("/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web/diff?to=99", ws)
			.accept(MediaType.TEXT_HTML).exchange()
			.expectStatus().isNotFound()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("Version 99 of CiliumNetworkPolicy/shop/web does not exist.")
			.doesNotContain("This page does not exist");
	}

	@Test
	void errorPagesShouldShowTheNavigationAndTheSignedInUser() {
		Session viewer = session(Role.VIEWER);
		for (String path : new String[] { "/no-such-page", "/admin/users", "/workspaces/no-such-workspace" }) {
			String html = viewer.cookieOnly().get().uri(path).accept(MediaType.TEXT_HTML).exchange()
				.expectStatus().is4xxClientError()
				.expectBody(String.class).returnResult().getResponseBody();
			assertThat(html).as(path).contains("<nav id=\"nav\"", "id=\"current-user\"", ">Sign out</button>",
					"name=\"_csrf\"", "class=\"status-code\"");
		}
	}

	@Test
	void aDeleteShouldShowOneBannerAndNothingChangedShouldNotLookLikeSuccess() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		this.changes.delete(ws, PolicyKey.parse("cnp", "shop", "web"), 1, "", Actor.SYSTEM).block();
		String page = "/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web";
		String deleted = as(Role.AUTHOR).get().uri(page + "?notice=deleted").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(deleted).contains("Deleted in version 2").doesNotContain("This policy was deleted in version");
		assertThat(Pattern.compile("class=\"banner ").matcher(deleted).results().count()).isEqualTo(1);

		this.changes.restore(ws, PolicyKey.parse("cnp", "shop", "web"), null, 2, "", Actor.SYSTEM).block();
		String unchanged = as(Role.AUTHOR).get().uri(page + "?notice=unchanged").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(unchanged).containsPattern("class=\"banner banner-info\" role=\"status\">\\s*<span>Nothing changed")
			.doesNotContain("banner-ok");
	}

	@Test
	void momentsShouldBeTypedOnA24HourClockAndComeBackAsTyped() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		String html = as(Role.VIEWER).get().uri("/workspaces/{ws}?at={at}", ws, "2099-11-26 23:12:05").exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("id=\"filter-at\" name=\"at\" type=\"text\"", "value=\"2099-11-26 23:12:05\"",
				"2099-11-26 23:12:05 UTC", ">web<").doesNotContain("datetime-local");
		String compare = as(Role.VIEWER).get().uri("/workspaces/{ws}/compare?from={from}&to={to}", ws,
				"2000-01-01 00:00", "2099-11-26 23:12").exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(compare).contains("value=\"2000-01-01 00:00\"", "value=\"2099-11-26 23:12\"", "1 policy differs")
			.doesNotContain("datetime-local", "1 policies");
	}

	@Test
	void countsShouldAgreeWithTheirNouns() {
		String ws = workspace();
		String invalid = as(Role.AUTHOR).post().uri("/workspaces/{ws}/policies/new", ws).header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("yaml", policy("web", 99999), "message", "")))
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(invalid).contains("1 problem in the policy;").doesNotContain("problem(s)");
	}

}
