package dev.portcullis.policy.editor;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.NulCharacters;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;

/**
 * The body of {@code POST /api/v1/validate}, {@code /describe} and {@code /graph}: policy text, and the Cilium
 * version its validation follows. Two envelopes:
 * <ul>
 * <li>{@code application/json}: {@code {"policies": "<YAML or JSON text>", "ciliumVersion": "1.19"}}
 * ({@code ciliumVersion} optional), what the editor sends;</li>
 * <li>{@code application/yaml}, {@code text/yaml} or {@code text/plain}: the policy text itself, with
 * {@code ?ciliumVersion=} in the query, what a pipeline sends with {@code curl --data-binary @policy.yaml}.</li>
 * </ul>
 * A malformed envelope (not JSON, unknown fields, wrong types, a bad version, an empty raw body) is a 400
 * problem naming what is wrong; the policy text inside is the engine's to judge.
 *
 * @param policies the policy text: one or many YAML or JSON documents, or a {@code kind: List}
 * @param ciliumVersion the Cilium version validation follows ({@link CiliumVersion#DEFAULT} unless named)
 */
record PolicyTextRequest(String policies, CiliumVersion ciliumVersion) {

	static final String ENVELOPE = "{\"policies\": \"<YAML or JSON policy text>\", \"ciliumVersion\": \"1.19\"}";

	static PolicyTextRequest read(ServerWebExchange exchange, String body, JsonMapper json) {
		String versionParameter = exchange.getRequest().getQueryParams().getFirst("ciliumVersion");
		MediaType type = exchange.getRequest().getHeaders().getContentType();
		if (type != null && MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
			return readJson(body, json, versionParameter);
		}
		if (body.isBlank()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request",
					"The body is empty: send policy text (YAML or JSON documents), or " + ENVELOPE
							+ " as application/json.");
		}
		return new PolicyTextRequest(body, version("ciliumVersion", versionParameter));
	}

	private static PolicyTextRequest readJson(String body, JsonMapper json, @Nullable String versionParameter) {
		if (body.isBlank()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object " + ENVELOPE + ".");
		}
		JsonNode root;
		try {
			root = json.readTree(body);
		}
		catch (JacksonException ex) {
			int line = (ex.getLocation() != null) ? ex.getLocation().getLineNr() : 0;
			int column = (ex.getLocation() != null) ? ex.getLocation().getColumnNr() : 0;
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
					"The body is not valid JSON (line " + line + ", column " + column + ").",
					List.of(new Finding(0, "", line, column, "not valid JSON", Finding.ERROR)));
		}
		if (root == null || !root.isObject()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object " + ENVELOPE + ".");
		}
		List<String> problems = new ArrayList<>();
		for (String field : root.propertyNames()) {
			if (!field.equals("policies") && !field.equals("ciliumVersion")) {
				problems.add("unknown field " + Quoted.of(field) + "; allowed: policies, ciliumVersion");
			}
		}
		JsonNode policies = root.get("policies");
		if (policies == null || !policies.isString()) {
			problems.add("\"policies\" must be a string holding YAML or JSON policy documents");
		}
		JsonNode version = root.get("ciliumVersion");
		CiliumVersion ciliumVersion = CiliumVersion.DEFAULT;
		if (version != null && !version.isNull()) {
			if (!version.isString()) {
				problems.add("\"ciliumVersion\" must be a string such as \"1.19\"");
			}
			else {
				try {
					ciliumVersion = CiliumVersion.parse(version.asString());
				}
				catch (IllegalArgumentException ex) {
					problems.add("ciliumVersion: " + ex.getMessage());
				}
			}
		}
		else if (versionParameter != null) {
			try {
				ciliumVersion = version("ciliumVersion", versionParameter);
			}
			catch (ApiProblem problem) {
				problems.add(String.valueOf(problem.getMessage()));
			}
		}
		if (!problems.isEmpty()) {
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					String.join("; ", problems) + ".",
					problems.stream().map((p) -> new Finding(0, "", 0, 0, p, Finding.ERROR)).toList());
		}
		return new PolicyTextRequest(policies.asString(), ciliumVersion);
	}

	private static CiliumVersion version(String name, @Nullable String text) {
		if (text == null) {
			return CiliumVersion.DEFAULT;
		}
		NulCharacters.refuse(name, text);
		try {
			return CiliumVersion.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", name + ": " + ex.getMessage());
		}
	}

}
