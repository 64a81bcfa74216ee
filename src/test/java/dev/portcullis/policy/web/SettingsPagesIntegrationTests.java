package dev.portcullis.policy.web;

import java.util.Set;
import java.util.UUID;

import dev.portcullis.identity.Actor;
import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.AgentSettings;
import dev.portcullis.policy.WorkspaceSettings;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.web.Htmx;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent settings page over HTTP: one URL, a page or its fragment; a lost race answered with the form, the
 * entered values kept and based on the winner's version; the role check at the form; the cluster name set in one
 * click (the upload page's offer) by the same reader, role check and audit.
 */
class SettingsPagesIntegrationTests extends IntegrationTest {

	@Autowired
	Workspaces workspaces;

	@Autowired
	WorkspaceSettings settings;

	@Autowired
	JsonMapper json;

	@Autowired
	DatabaseClient db;

	private long count(String sql, String workspace) {
		return this.db.sql(sql).bind("ws", workspace).map((row) -> row.get("n", Long.class)).one().block();
	}

	private String workspace() {
		String name = "agent-" + UUID.randomUUID().toString().substring(0, 8);
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

	@Test
	void pageShouldBeTheFormForAnAdminAndTheSummaryForOthersWholeOrAsAFragment() {
		String ws = workspace();
		String page = as(Role.ADMIN).get().uri("/workspaces/" + ws + "/settings").exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.VARY, Htmx.REQUEST)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(page).contains("<h1>Agent settings</h1>", "id=\"settings-form\"", "name=\"_csrf\"");
		String form = as(Role.ADMIN).get().uri("/workspaces/" + ws + "/settings").header(Htmx.REQUEST, "true")
			.exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(form).startsWith("<section id=\"agent-settings\"").doesNotContain("<html").contains("settings-form");
		String summary = as(Role.VIEWER).get().uri("/workspaces/" + ws + "/settings").header(Htmx.REQUEST, "true")
			.exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(summary).startsWith("<section id=\"agent-settings\"").doesNotContain("settings-form")
			.contains("Read-only: only administrators change agent settings", "Cilium default");
		as(Role.VIEWER).get().uri("/workspaces/no-such-workspace/settings").exchange().expectStatus().isNotFound();
	}

	@Test
	void aChangeMadeMeanwhileShouldKeepTheEnteredValuesAndBaseThemOnTheNewVersion() {
		String ws = workspace();
		this.settings.change(ws, AgentSettings.read(this.json.readTree("{\"clusterName\": \"theirs\"}"),
				AgentSettings.DEFAULTS, "", Set.of()), 0, Actor.SYSTEM).block();
		String conflict = as(Role.ADMIN).post().uri("/workspaces/" + ws + "/settings").header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("version", "0", "clusterName", "mine", "policyAuditMode", "false",
					"policyAuditMode", "true")))
			.exchange().expectStatus().isEqualTo(409)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(conflict).contains("are at version 1, not 0", "value=\"mine\"", "name=\"version\" value=\"1\"");
		assertThat(this.settings.current(ws).block().settings().engineOptions().clusterName()).isEqualTo("theirs");

		String saved = as(Role.ADMIN).post().uri("/workspaces/" + ws + "/settings").header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("version", "1", "clusterName", "mine", "policyAuditMode", "false",
					"policyAuditMode", "true")))
			.exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(saved).contains("Saved as version", "<code>mine</code>");
		var now = this.settings.current(ws).block();
		assertThat(now.version()).isEqualTo(2);
		assertThat(now.settings().engineOptions().auditMode()).isTrue();

		// without htmx: a redirect to the page
		as(Role.ADMIN).post().uri("/workspaces/" + ws + "/settings")
			.body(BodyInserters.fromFormData(form("version", "2", "clusterName", "again")))
			.exchange().expectStatus().isSeeOther()
			.expectHeader().location("/workspaces/" + ws + "/settings");
	}

	@Test
	void rolesBelowAdminShouldBeRefusedAtTheForm() {
		String ws = workspace();
		for (Role role : new Role[] { Role.VIEWER, Role.AUTHOR, Role.REVIEWER }) {
			as(role).post().uri("/workspaces/" + ws + "/settings")
				.body(BodyInserters.fromFormData(form("version", "0", "policyEnforcementMode", "never")))
				.exchange().expectStatus().isForbidden();
		}
		assertThat(this.settings.current(ws).block().version()).isZero();
	}

	@Test
	void clusterNameShouldBeSetAloneInOneClickAuditedAndConfirmedWithALinkToTheFlowLog() {
		String ws = workspace();
		this.settings.change(ws, AgentSettings.read(this.json.readTree("{\"policyAuditMode\": true}"),
				AgentSettings.DEFAULTS, "", Set.of()), 0, Actor.SYSTEM).block();
		String path = "/workspaces/" + ws + "/settings/cluster-name";

		String done = session(Role.ADMIN).client().post().uri(path).header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("clusterName", "kind-kind")))
			.exchange().expectStatus().isOk()
			.expectHeader().valueEquals("HX-Retarget", "#cluster-mismatch")
			.expectHeader().valueEquals("HX-Reswap", "outerHTML")
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(done).startsWith("<div id=\"cluster-name-set\"").doesNotContain("<html")
			.contains("<code>kind-kind</code>", "href=\"/workspaces/" + ws + "/flows\"");
		WorkspaceSettings.Version now = this.settings.current(ws).block();
		assertThat(now.version()).isEqualTo(2);
		assertThat(now.settings().engineOptions().clusterName()).isEqualTo("kind-kind");
		assertThat(now.settings().engineOptions().auditMode()).as("the other settings are kept").isTrue();
		assertThat(count("SELECT count(*) AS n FROM audit_event WHERE action = 'workspace.settings' AND workspace = :ws "
				+ "AND outcome = 'SUCCESS' AND actor = 'test-admin' AND details->'before'->>'clusterName' = 'default' "
				+ "AND details->'after'->>'clusterName' = 'kind-kind' AND details->>'version' = '2'", ws)).isEqualTo(1);

		// the form's rule and message: a name Cilium refuses is answered with 422 and nothing changes
		String formMessage = as(Role.ADMIN).post().uri("/workspaces/" + ws + "/settings").header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("version", "2", "clusterName", "Kind_Kind")))
			.exchange().expectStatus().isEqualTo(422)
			.expectBody(String.class).returnResult().getResponseBody();
		for (String bad : new String[] { "Kind_Kind", "a".repeat(33), "-kind", "" }) {
			String refused = as(Role.ADMIN).post().uri(path).header(Htmx.REQUEST, "true")
				.body(BodyInserters.fromFormData(form("clusterName", bad)))
				.exchange().expectStatus().isEqualTo(422)
				.expectBody(String.class).returnResult().getResponseBody();
			assertThat(refused).as(bad).startsWith("<p class=\"field-error\" role=\"alert\">Nothing was saved: ")
				.contains("is not a cluster name Cilium accepts: at most 32 lower-case letters, digits and");
		}
		String refused = as(Role.ADMIN).post().uri(path).header(Htmx.REQUEST, "true")
			.body(BodyInserters.fromFormData(form("clusterName", "Kind_Kind")))
			.exchange().expectStatus().isEqualTo(422)
			.expectBody(String.class).returnResult().getResponseBody();
		String message = refused.substring(refused.indexOf("&quot;Kind_Kind&quot;"), refused.indexOf("</p>"));
		assertThat(formMessage).as("the settings form's message").contains(message);
		assertThat(this.settings.current(ws).block().version()).isEqualTo(2);
		assertThat(count("SELECT count(*) AS n FROM audit_event WHERE action = 'workspace.settings' AND workspace = :ws "
				+ "AND outcome = 'FAILURE' AND details->>'refused' = 'InvalidSettings'", ws)).isEqualTo(6);

		// without htmx: a redirect to the settings page, or its form with the message next to the cluster name
		as(Role.ADMIN).post().uri(path).body(BodyInserters.fromFormData(form("clusterName", "prod")))
			.exchange().expectStatus().isSeeOther()
			.expectHeader().location("/workspaces/" + ws + "/settings");
		assertThat(this.settings.current(ws).block().settings().engineOptions().clusterName()).isEqualTo("prod");
		String page = as(Role.ADMIN).post().uri(path).body(BodyInserters.fromFormData(form("clusterName", "Prod")))
			.exchange().expectStatus().isEqualTo(422)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(page).contains("<h1>Agent settings</h1>", "id=\"setting-clusterName-error\"", "value=\"Prod\"");
		as(Role.ADMIN).post().uri("/workspaces/no-such-workspace/settings/cluster-name")
			.body(BodyInserters.fromFormData(form("clusterName", "prod"))).exchange().expectStatus().isNotFound();
	}

	@Test
	void clusterNameShouldBeRefusedBelowAdminAndWithoutTheCsrfToken() {
		String ws = workspace();
		String path = "/workspaces/" + ws + "/settings/cluster-name";
		for (Role role : new Role[] { Role.VIEWER, Role.AUTHOR, Role.REVIEWER }) {
			as(role).post().uri(path).header(Htmx.REQUEST, "true")
				.body(BodyInserters.fromFormData(form("clusterName", "kind-kind")))
				.exchange().expectStatus().isForbidden();
			assertThat(count("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.denied' AND actor = '"
					+ username(role) + "' AND target = 'POST " + path + "' AND :ws <> ''", ws)).isPositive();
		}
		// a forged cross-site form: the session cookie without the token
		session(Role.ADMIN).cookieOnly().post().uri(path)
			.body(BodyInserters.fromFormData(form("clusterName", "kind-kind")))
			.exchange().expectStatus().isForbidden();
		assertThat(this.settings.current(ws).block().version()).isZero();
	}

}
