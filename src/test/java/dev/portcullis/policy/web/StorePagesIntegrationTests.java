package dev.portcullis.policy.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.policy.Policies;
import dev.portcullis.policy.PolicyChanges;
import dev.portcullis.policy.BundleImport;
import dev.portcullis.identity.Actor;
import dev.portcullis.web.Htmx;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static dev.portcullis.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's pages over HTTP: full pages and htmx fragments, 422 re-rendered forms, conflicts, 404s. The store
 * itself is tested in {@code dev.portcullis.policy}; here the pages' answers are.
 */
class StorePagesIntegrationTests extends IntegrationTest {

	@Autowired
	Workspaces workspaces;

	@Autowired
	Policies policies;

	@Autowired
	PolicyChanges changes;

	@Autowired
	BundleImport imports;

	@Autowired
	org.springframework.r2dbc.core.DatabaseClient db;

	@org.springframework.boot.test.web.server.LocalServerPort
	int port;


	private String workspace() {
		String name = "pages-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(name, "", Actor.SYSTEM).block();
		return name;
	}

	private WebTestClient author() {
		return as(Role.AUTHOR);
	}

	private static MultiValueMap<String, String> form(String... pairs) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			form.add(pairs[i], pairs[i + 1]);
		}
		return form;
	}

	@Test
	void workspacesPageShouldListWorkspacesWithLinks() {
		String ws = workspace();
		String html = author().get().uri("/workspaces").exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.VARY, Htmx.REQUEST)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("<h1>Workspaces</h1>", "href=\"/workspaces/" + ws + "\"");
	}

	@Test
	void createWorkspaceWithABadNameShouldReRenderTheFormFragmentWith422() {
		String html = author().post().uri("/workspaces").header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("name", "Not A DNS Label", "description", "kept")))
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).startsWith("<form id=\"create-workspace\"").doesNotContain("<html")
			.contains("aria-invalid=\"true\"", "class=\"field-error\"", "value=\"Not A DNS Label\"", "value=\"kept\"");
	}

	@Test
	void createWorkspaceShouldRedirectToItPlainlyOrThroughHtmx() {
		String name = "pages-" + UUID.randomUUID().toString().substring(0, 8);
		author().post().uri("/workspaces").body(BodyInserters.fromFormData(form("name", name, "description", "d")))
			.exchange()
			.expectStatus().isSeeOther()
			.expectHeader().location("/workspaces/" + name);
		author().post().uri("/workspaces").header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("name", name, "description", "d")))
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectBody(String.class).value((html) -> assertThat(html).contains("field-error"));
		author().post().uri("/workspaces").header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("name", name + "-2")))
			.exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("HX-Redirect", "/workspaces/" + name + "-2");
	}

	@Test
	void policyListShouldPageByKeysetAndAppendTheNextRowsForHtmx() {
		String ws = workspace();
		String bundle = IntStream.range(0, 60).mapToObj((i) -> policy("svc-%02d".formatted(i), 8000 + i))
			.collect(Collectors.joining("---\n"));
		this.imports.run(ws, bundle, "seed", Actor.SYSTEM).block();
		String first = author().get().uri("/workspaces/" + ws).exchange()
			.expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(first).contains(">svc-00<", ">svc-49<").doesNotContain(">svc-50<").contains("Next page");
		String next = first.replaceAll("(?s).*id=\"next-page\".*?href=\"([^\"]+)\".*", "$1").replace("&amp;", "&");
		assertThat(next).startsWith("/workspaces/" + ws + "?cursor=");
		String rows = author().get().uri(java.net.URI.create("http://localhost:" + this.port + next)).header(Htmx.REQUEST, "true").exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.VARY, Htmx.REQUEST)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(rows.strip()).startsWith("<tr").doesNotContain("<table", "Next page", ">svc-49<")
			.contains(">svc-50<", ">svc-59<");
	}

	@Test
	void searchShouldAnswerWithTheResultsFragmentAndFilterByNameKindAndLabel() {
		String ws = workspace();
		this.imports.run(ws, policy("web", 80) + "---\n" + policy("db", 5432), "", Actor.SYSTEM).block();
		String html = author().get().uri("/workspaces/{ws}?q=we&kind=CiliumNetworkPolicy&label={label}", ws, "team=payments")
			.header(Htmx.REQUEST, "true").exchange()
			.expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).startsWith("<section id=\"results\"").contains(">web<").doesNotContain(">db<", "<html");
		String none = author().get().uri("/workspaces/{ws}?label={label}", ws, "team=other").exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(none).contains("No policy matches.");
	}

	@Test
	void workspaceAsOfAMomentShouldShowThePoliciesThatExistedThen() {
		String ws = workspace();
		Instant early = this.changes.save(ws, null, policy("early", 80), null, "", Actor.SYSTEM).block()
			.version().summary().createdAt();
		Instant late = this.changes.save(ws, null, policy("late", 81), null, "", Actor.SYSTEM).block()
			.version().summary().createdAt();
		assertThat(late).isAfter(early);
		// the moment "early" was saved, to the microsecond the store records: "late" did not exist yet
		DateTimeFormatter micros = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
		String at = micros.format(early);
		String html = author().get().uri("/workspaces/{ws}?at={at}", ws, at).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains(">early<", "The workspace as it was on").doesNotContain(">late<");
		String comparison = author().get()
			.uri("/workspaces/{ws}/compare?from={at}&to={late}", ws, at, micros.format(late))
			.header(Htmx.REQUEST, "true").exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(comparison).startsWith("<div class=\"comparison\"").contains("Added", "CiliumNetworkPolicy/shop/late")
			.doesNotContain("early");
		author().get().uri("/workspaces/{ws}?at=yesterday", ws).exchange()
			.expectStatus().isEqualTo(422)
			.expectBody(String.class).value((body) -> assertThat(body).contains("is not a moment"));
	}

	@Test
	void importWithOneBadDocumentShouldShowTheReportInlineAndWriteNothing() {
		String ws = workspace();
		String bad = policy("good", 80) + "---\n" + policy("broken", 99999);
		MultipartBodyBuilder parts = new MultipartBodyBuilder();
		parts.part("bundle", bad);
		parts.part("message", "first import");
		String html = author().post().uri("/workspaces/{ws}/import", ws).header(Htmx.REQUEST, "true")
			.contentType(MediaType.MULTIPART_FORM_DATA)
			.body(BodyInserters.fromMultipartData(parts.build()))
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).startsWith("<div id=\"importer\"").contains("Nothing was imported", "Invalid", "broken",
				"column 15", "99999");
		assertThat(html).contains("name: broken"); // the text stays in the form to be fixed
		assertThat(this.workspaces.find(ws).block().policies()).isZero();
	}

	@Test
	void importOfAFileShouldReportEachDocument() {
		String ws = workspace();
		MultipartBodyBuilder parts = new MultipartBodyBuilder();
		parts.part("file", new org.springframework.core.io.ByteArrayResource(
				(policy("a", 80) + "---\n" + policy("b", 81)).getBytes()) {
			@Override
			public String getFilename() {
				return "bundle.yaml";
			}
		}).contentType(MediaType.parseMediaType("application/yaml"));
		parts.part("message", "upload");
		String html = author().post().uri("/workspaces/{ws}/import", ws)
			.contentType(MediaType.MULTIPART_FORM_DATA)
			.body(BodyInserters.fromMultipartData(parts.build()))
			.exchange()
			.expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("<html", "2 created, 0 updated, 0 unchanged.", "Created");
		assertThat(this.workspaces.find(ws).block().policies()).isEqualTo(2);
	}

	@Test
	void policyPageShouldShowTheYamlWithLineNumbersMetadataAndHistory() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "first", Actor.SYSTEM).block();
		this.changes.save(ws, null, policy("web", 443), 1, "tls", Actor.SYSTEM).block();
		String html = author().get().uri("/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web", ws).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("<ol class=\"lines\">", "<code>kind: CiliumNetworkPolicy</code>", ">tls<",
				">first<", "name=\"from\"", "Compare selected versions");
		String old = author().get().uri("/workspaces/{ws}/policies/cnp/shop/web?version=1", ws).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(old).contains("You are looking at version", "port: &quot;80&quot;");
	}

	@Test
	void diffPageShouldMarkLinesWithSignsAndSummariseTheStructure() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		this.changes.save(ws, null, policy("web", 443), 1, "", Actor.SYSTEM).block();
		String html = author().get().uri("/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web/diff?from=1&to=2", ws)
			.exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("class=\"line-added\"", "class=\"line-removed\"", "<span class=\"visually-hidden\">added</span>",
				"<span class=\"visually-hidden\">removed</span>", "443", "+1", "−1", "class=\"changes\"");
	}

	@Test
	void savingInvalidYamlShouldShowTheViolationsWithLineAndColumnAndKeepTheText() {
		String ws = workspace();
		String html = author().post().uri("/workspaces/{ws}/policies/new", ws).header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("yaml", policy("web", 99999), "message", "try")))
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).startsWith("<form id=\"editor\"").contains("Line 18, column 15", "99999", "value=\"try\"",
				"aria-invalid=\"true\"");
	}

	@Test
	void savingOnAStaleVersionShouldShowWhatChangedKeepTheTextAndRebase() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		this.changes.save(ws, null, policy("web", 443), 1, "someone else", Actor.SYSTEM).block();
		String mine = policy("web", 8080);
		String html = author().post().uri("/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web/edit", ws)
			.header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("yaml", mine, "message", "mine", "baseVersion", "1")))
			.exchange()
			.expectStatus().isEqualTo(409)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("Someone saved this policy while you were editing", "class=\"line-added\"",
				"Your text is kept below", "8080", "name=\"baseVersion\" value=\"2\"");
		assertThat(this.policies.get(ws, PolicyKey.parse("cnp", "shop", "web"), null).block().version()).isEqualTo(2);
		author().post().uri("/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web/edit", ws)
			.body(BodyInserters.fromFormData(form("yaml", mine, "message", "mine", "baseVersion", "2")))
			.exchange()
			.expectStatus().isSeeOther()
			.expectHeader().location("/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web?notice=updated");
	}

	@Test
	void deleteShouldWriteATombstoneAndRestoreShouldBringThePolicyBack() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		String page = "/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web";
		author().post().uri(page + "/delete").body(BodyInserters.fromFormData(form("expectedVersion", "1",
				"message", "gone")))
			.exchange().expectStatus().isSeeOther().expectHeader().location(page + "?notice=deleted");
		author().get().uri(page + "?notice=deleted").exchange().expectStatus().isOk()
			.expectBody(String.class).value((html) -> assertThat(html).contains("Deleted in version 2", "deleted"));
		author().post().uri(page + "/delete").body(BodyInserters.fromFormData(form("expectedVersion", "1")))
			.exchange().expectStatus().isEqualTo(409)
			.expectBody(String.class).value((html) -> assertThat(html).contains("See what changed meanwhile",
					"href=\"" + page + "/diff?from=1&amp;to=2\""));
		author().post().uri(page + "/restore").body(BodyInserters.fromFormData(form("expectedVersion", "2")))
			.exchange().expectStatus().isSeeOther().expectHeader().location(page + "?notice=restored");
		assertThat(this.policies.get(ws, PolicyKey.parse("cnp", "shop", "web"), null).block().deleted()).isFalse();
		// the stale delete above was refused (409): audited as a FAILURE between the two changes
		assertThat(this.db.sql("SELECT action || ' ' || outcome || ' by ' || actor || ' from ' "
				+ "|| coalesce(remote_address, '?') AS e "
				+ "FROM audit_event WHERE workspace = :ws AND action IN ('policy.delete', 'policy.restore') ORDER BY id")
			.bind("ws", ws)
			.map((row) -> row.get("e", String.class))
			.all()
			.collectList()
			.block()).satisfiesExactly(
					(entry) -> assertThat(entry).matches("policy\\.delete SUCCESS by test-author from [0-9a-f.:]+"),
					(entry) -> assertThat(entry).matches("policy\\.delete FAILURE by test-author from [0-9a-f.:]+"),
					(entry) -> assertThat(entry).matches("policy\\.restore SUCCESS by test-author from [0-9a-f.:]+"));
	}

	@Test
	void viewerShouldSeeNoWriteButtonsAndBeRefusedWhenWriting() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		String page = "/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web";
		String html = as(Role.VIEWER).get().uri(page).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("<code>kind: CiliumNetworkPolicy</code>").doesNotContain(">Edit<", "Delete policy");
		assertThat(as(Role.VIEWER).get().uri("/workspaces/" + ws).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody()).doesNotContain(">Import<", ">New policy<");
		as(Role.VIEWER).post().uri(page + "/delete").body(BodyInserters.fromFormData(form("expectedVersion", "1")))
			.exchange().expectStatus().isForbidden();
		assertThat(this.policies.get(ws, PolicyKey.parse("cnp", "shop", "web"), null).block().version()).isEqualTo(1);
		String authorHtml = author().get().uri(page).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(authorHtml).contains(">Edit<", "Delete policy");
	}

	@Test
	void exportShouldDownloadTheWorkspaceAsOneYamlFile() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		author().get().uri("/workspaces/{ws}/export", ws).exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith("application/yaml")
			.expectHeader().value(HttpHeaders.CONTENT_DISPOSITION, (value) -> assertThat(value)
				.contains("attachment", ws + ".yaml"))
			.expectBody(String.class).value((yaml) -> assertThat(yaml).contains("name: web"));
	}

	@Test
	void unknownWorkspacePolicyOrKindShouldGetThe404Page() {
		String ws = workspace();
		for (String path : new String[] { "/workspaces/no-such-ws", "/workspaces/" + ws + "/policies/cnp/shop/none",
				"/workspaces/" + ws + "/policies/Pod/shop/web", "/workspaces/" + ws + "/policies/cnp/shop/none/diff",
				"/workspaces/no-such-ws/import", "/workspaces/no-such-ws/policies/new" }) {
			author().get().uri(path).accept(MediaType.TEXT_HTML).exchange()
				.expectStatus().isNotFound()
				.expectBody(String.class).value((html) -> assertThat(html.toLowerCase(Locale.ROOT))
					.containsPattern("this page does not exist|no workspace named|no policy "));
		}
	}

	@Test
	void clusterWidePoliciesShouldLiveUnderTheUnderscoreNamespace() {
		String ws = workspace();
		String ccnp = """
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata:
				  name: all-dns
				spec:
				  endpointSelector: {}
				  egress:
				  - toEndpoints:
				    - matchLabels:
				        k8s:io.kubernetes.pod.namespace: kube-system
				    toPorts:
				    - ports:
				      - port: "53"
				        protocol: UDP
				""";
		author().post().uri("/workspaces/{ws}/policies/new", ws)
			.body(BodyInserters.fromFormData(form("yaml", ccnp, "message", "dns")))
			.exchange()
			.expectStatus().isSeeOther()
			.expectHeader().location("/workspaces/" + ws + "/policies/CiliumClusterwideNetworkPolicy/_/all-dns?notice=created");
		String list = author().get().uri("/workspaces/{ws}", ws).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(list).contains("(cluster-wide)", "href=\"/workspaces/" + ws + "/policies/CiliumClusterwideNetworkPolicy/_/all-dns\"");
		author().get().uri("/workspaces/{ws}/policies/ccnp/_/all-dns/edit", ws).exchange().expectStatus().isOk()
			.expectBody(String.class).value((html) -> assertThat(html).contains("name=\"baseVersion\" value=\"1\""));
	}

	@Test
	void editingADeletedPolicyShouldCreateItAgain() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 80), null, "", Actor.SYSTEM).block();
		PolicyKey key = PolicyKey.parse("cnp", "shop", "web");
		this.changes.delete(ws, key, 1, "gone", Actor.SYSTEM).block();
		String page = "/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web";
		author().get().uri(page + "/edit").exchange().expectStatus().isOk()
			.expectBody(String.class).value((html) -> assertThat(html).contains("name=\"baseVersion\" value=\"\"",
					"team: payments", "port: &quot;80&quot;"));
		author().post().uri(page + "/edit")
			.body(BodyInserters.fromFormData(form("yaml", policy("web", 81), "message", "back", "baseVersion", "")))
			.exchange()
			.expectStatus().isSeeOther()
			.expectHeader().location(page + "?notice=created");
		assertThat(this.policies.get(ws, key, null).block().version()).isEqualTo(3);
	}

	@Test
	void aBadFilterShouldAnswerTheResultsFragmentWith422() {
		String ws = workspace();
		author().get().uri("/workspaces/{ws}?kind=Pod", ws).header(Htmx.REQUEST, "true").exchange()
			.expectStatus().isEqualTo(422)
			.expectBody(String.class).value((html) -> assertThat(html).startsWith("<section id=\"results\"")
				.contains("Unknown kind &quot;Pod&quot;"));
	}

	@Test
	void anonymousVisitorsShouldBeSentToSignIn() {
		anonymous().get().uri("/workspaces").accept(MediaType.TEXT_HTML).exchange()
			.expectStatus().is3xxRedirection()
			.expectHeader().value(HttpHeaders.LOCATION, (location) -> assertThat(location).contains("/login"));
	}

	@Test
	void aLargePastedBundleShouldImportThroughTheMultipartForm() {
		String ws = workspace();
		String bundle = IntStream.range(0, 1000).mapToObj((i) -> policy("big-%04d".formatted(i), 1000 + i))
			.collect(Collectors.joining("---\n"));
		assertThat(bundle.length()).isGreaterThan(300 * 1024);
		MultipartBodyBuilder parts = new MultipartBodyBuilder();
		parts.part("bundle", bundle);
		parts.part("message", "big");
		author().post().uri("/workspaces/{ws}/import", ws).header(Htmx.REQUEST, "true")
			.contentType(MediaType.MULTIPART_FORM_DATA)
			.body(BodyInserters.fromMultipartData(parts.build()))
			.exchange()
			.expectStatus().isOk()
			.expectBody(String.class).value((html) -> assertThat(html).contains("1000 created"));
	}

	@Test
	void aBundleOverTheLimitShouldBeRefusedInlineWith413() {
		String ws = workspace();
		MultipartBodyBuilder parts = new MultipartBodyBuilder();
		parts.part("file", new org.springframework.core.io.ByteArrayResource(new byte[17 * 1024 * 1024]) {
			@Override
			public String getFilename() {
				return "huge.yaml";
			}
		});
		author().post().uri("/workspaces/{ws}/import", ws).header(Htmx.REQUEST, "true")
			.contentType(MediaType.MULTIPART_FORM_DATA)
			.body(BodyInserters.fromMultipartData(parts.build()))
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectBody(String.class).value((html) -> assertThat(html).startsWith("<div id=\"importer\"")
				.contains("larger than the limit of 16 MiB"));
		assertThat(this.workspaces.find(ws).block().policies()).isZero();
	}

	@Test
	void longHistoriesShouldPageByKeysetAndAppendOlderVersionsForHtmx() {
		String ws = workspace();
		this.changes.save(ws, null, policy("web", 1000), null, "v1", Actor.SYSTEM).block();
		for (int v = 2; v <= 55; v++) {
			this.changes.save(ws, null, policy("web", 1000 + v), v - 1, "v" + v, Actor.SYSTEM).block();
		}
		String page = "/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web";
		String html = author().get().uri(page).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains(">v55<", ">v6<", "Older versions").doesNotContain(">v5<");
		String older = html.replaceAll("(?s).*<a href=\"([^\"]+)\"[^>]*>Older versions</a>.*", "$1").replace("&amp;", "&");
		assertThat(older).startsWith(page + "?cursor=");
		String rows = author().get().uri(java.net.URI.create("http://localhost:" + this.port + older))
			.header(Htmx.REQUEST, "true").exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(rows.strip()).startsWith("<tr").contains(">v5<", ">v1<").doesNotContain(">v6<", "Older versions",
				"<html");
	}

	@Test
	void aPolicyOverTheSizeLimitShouldBeRefusedInlineWith413() {
		String ws = workspace();
		String huge = policy("web", 80) + "  description: \"" + "x".repeat(4 * 1024 * 1024) + "\"\n";
		author().post().uri("/workspaces/{ws}/policies/new", ws).header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("yaml", huge, "message", "big")))
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectBody(String.class).value((html) -> assertThat(html).startsWith("<form id=\"editor\""));
		assertThat(this.workspaces.find(ws).block().policies()).isZero();
	}

}
