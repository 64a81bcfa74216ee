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
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent settings page over HTTP: one URL, a page or its fragment; a lost race answered with the form, the
 * entered values kept and based on the winner's version; the role check at the form.
 */
class SettingsPagesIntegrationTests extends IntegrationTest {

	@Autowired
	Workspaces workspaces;

	@Autowired
	WorkspaceSettings settings;

	@Autowired
	JsonMapper json;

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

}
