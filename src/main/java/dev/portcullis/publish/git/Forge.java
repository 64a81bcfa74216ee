package dev.portcullis.publish.git;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.portcullis.publish.Fence;
import dev.portcullis.publish.Publication;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The few REST calls a Git target makes to its forge (GitHub or GitLab, docs/adr/045): check that the token sees the
 * project, find or open the pull (merge) request of a head branch, and set the {@code portcullis/impact} commit status.
 * Blocking (the JDK's HTTP client), called from the Git adapter on the publishing threads. Authentication is the
 * target's token ({@code auth.token}): GitHub {@code Authorization: Bearer}, GitLab {@code PRIVATE-TOKEN}. Redirects
 * are not followed (the token would go with them). Every failure is a {@link PublishFailure} in words, with the token
 * blanked out.
 * <ul>
 * <li>GitHub: {@code GET /repos/{owner}/{repo}}; {@code GET /repos/{owner}/{repo}/pulls?head=owner:branch&base=...
 * &state=open}, {@code POST /repos/{owner}/{repo}/pulls} {@code {title, head, base, body}} (422 when one exists);
 * {@code POST /repos/{owner}/{repo}/statuses/{sha}} {@code {state, target_url, description, context}}.</li>
 * <li>GitLab: {@code GET /projects/{path}}; {@code GET /projects/{path}/merge_requests?source_branch=...
 * &target_branch=...&state=opened}, {@code POST /projects/{path}/merge_requests} {@code {source_branch,
 * target_branch, title, description}} (409 when one exists); {@code POST /projects/{path}/statuses/{sha}}
 * {@code {state, name, description, target_url}}; the path URL-encoded.</li>
 * </ul>
 * A superseded request is commented on and closed (docs/adr/045): GitHub {@code POST
 * /repos/{owner}/{repo}/issues/{number}/comments} {@code {body}} and {@code PATCH /repos/{owner}/{repo}/pulls/{number}}
 * {@code {state: "closed"}}; GitLab {@code POST /projects/{path}/merge_requests/{iid}/notes} {@code {body}} and
 * {@code PUT /projects/{path}/merge_requests/{iid}} {@code {state_event: "close"}}. Every call that changes something
 * (not a {@code GET}) first asks the publication's {@link Fence} (docs/adr/049).
 */
final class Forge {

	/** Target settings (besides the Git ones): which forge, its API, the project, and what to do there. */
	static final String KIND = "forge.kind";

	static final String API_URL = "forge.apiUrl";

	static final String PROJECT = "forge.project";

	static final String PULL_REQUEST = "forge.pullRequest";

	static final String COMMIT_STATUS = "forge.commitStatus";

	/** The commit status's context (GitHub) or name (GitLab). */
	static final String CONTEXT = "portcullis/impact";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	enum Kind {

		GITHUB("GitHub", "https://api.github.com"), GITLAB("GitLab", "https://gitlab.com/api/v4");

		final String shown;

		final String defaultApi;

		Kind(String shown, String defaultApi) {
			this.shown = shown;
			this.defaultApi = defaultApi;
		}

	}

	private final Kind kind;

	private final String api;

	private final String project;

	private final boolean pullRequests;

	private final boolean commitStatus;

	private final Target target;

	private final Duration timeout;

	private final HttpClient http;

	private final Fence fence;

	private Forge(Kind kind, String api, String project, boolean pullRequests, boolean commitStatus, Target target,
			Duration timeout, Fence fence) {
		this.fence = fence;
		this.kind = kind;
		this.api = api;
		this.project = project;
		this.pullRequests = pullRequests;
		this.commitStatus = commitStatus;
		this.target = target;
		this.timeout = timeout;
		this.http = HttpClient.newBuilder()
			.connectTimeout(timeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/**
	 * The target's forge, or null when it has none ({@code forge.kind} unset or {@code none}). The project is
	 * {@code forge.project}, or else the repository URL's path without {@code .git}.
	 * @throws PublishFailure when the settings cannot work (no token, a project GitHub cannot name)
	 */
	static @Nullable Forge of(Target target, GitAdapter.Where where, Duration timeout) {
		String kindName = target.setting(KIND);
		if (kindName == null || kindName.equals("none")) {
			return null;
		}
		Kind kind = switch (kindName) {
			case "github" -> Kind.GITHUB;
			case "gitlab" -> Kind.GITLAB;
			default -> throw new PublishFailure("The forge (forge.kind) is none, github or gitlab, not " + kindName
					+ ".");
		};
		if (!"token".equals(target.authType()) || target.credential("token") == null) {
			throw new PublishFailure(kind.shown + " pull requests and commit statuses use the target's token: choose"
					+ " token authentication (an HTTPS repository URL) and give a token that may write to the"
					+ " repository.");
		}
		String api = (target.setting(API_URL) != null) ? target.setting(API_URL).strip() : kind.defaultApi;
		api = api.replaceAll("/+$", "");
		String project = (target.setting(PROJECT) != null) ? target.setting(PROJECT).strip() : projectOf(where);
		project = project.replaceAll("^/+", "").replaceAll("/+$", "");
		if (project.isEmpty() || (kind == Kind.GITHUB && project.split("/").length != 2)) {
			throw new PublishFailure("Cannot tell the " + kind.shown + " project from the repository URL "
					+ where.shown() + ": set it (forge.project) as " + ((kind == Kind.GITHUB) ? "owner/repository"
							: "group/project") + ".");
		}
		return new Forge(kind, api, project, "true".equals(target.setting(PULL_REQUEST)),
				"true".equals(target.setting(COMMIT_STATUS)), target, timeout, Fence.NONE);
	}

	/** This forge, asking {@code fence} before every call that changes something. */
	Forge fenced(Fence fence) {
		return new Forge(this.kind, this.api, this.project, this.pullRequests, this.commitStatus, this.target,
				this.timeout, fence);
	}

	/** The repository URL's path without a leading slash and a trailing {@code .git}. */
	static String projectOf(GitAdapter.Where where) {
		String path;
		if (where.ssh() != null) {
			path = where.ssh().getPath();
		}
		else {
			path = URI.create(where.url()).getPath();
		}
		path = (path != null) ? path : "";
		path = path.replaceAll("^/+", "").replaceAll("/+$", "");
		return path.endsWith(".git") ? path.substring(0, path.length() - 4) : path;
	}

	/** Whether publications are proposed as pull requests instead of pushed to the branch. */
	boolean pullRequests() {
		return this.pullRequests;
	}

	/** Whether the {@code portcullis/impact} commit status is set. */
	boolean commitStatus() {
		return this.commitStatus;
	}

	/** The forge's name ({@code GitHub}, {@code GitLab}). */
	String shown() {
		return this.kind.shown;
	}

	/** Checks, on save, that the API answers and the token sees the project. */
	void check() {
		call("GET", projectPath(), null, "reading the project " + this.project);
	}

	/**
	 * The open pull (merge) request from {@code head} into {@code base}: the one that exists, or a new one with
	 * {@code title} and {@code body}. Idempotent: a retry finds the request an earlier attempt opened.
	 * @return its web address
	 */
	String pullRequest(String head, String base, String title, String body) {
		String found = existing(head, base);
		if (found != null) {
			return found;
		}
		Map<String, Object> request = new LinkedHashMap<>();
		if (this.kind == Kind.GITHUB) {
			request.put("title", title);
			request.put("head", head);
			request.put("base", base);
			request.put("body", body);
		}
		else {
			request.put("source_branch", head);
			request.put("target_branch", base);
			request.put("title", title);
			request.put("description", body);
		}
		Response created = call("POST", projectPath() + pullsPath(), request, "opening the " + what());
		if (created.status() == 422 || created.status() == 409) {
			// opened meanwhile (another attempt, a person): take that one
			String again = existing(head, base);
			if (again != null) {
				return again;
			}
			throw refused(created, "opening the " + what());
		}
		return webUrl(created.body());
	}

	/** Sets the {@code portcullis/impact} status of commit {@code sha}; returns it in words. */
	String status(String sha, Publication.Impact impact) {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("state", state(impact.outcome()));
		if (this.kind == Kind.GITHUB) {
			request.put("context", CONTEXT);
		}
		else {
			request.put("name", CONTEXT);
		}
		request.put("description", impact.description());
		if (impact.targetUrl() != null) {
			request.put("target_url", impact.targetUrl());
		}
		call("POST", projectPath() + "/statuses/" + sha, request, "setting the commit status " + CONTEXT);
		return state(impact.outcome()) + ": " + impact.description();
	}

	/** The forge's word for an outcome (GitHub: success, failure, error; GitLab: success, failed). */
	String state(Publication.Impact.Outcome outcome) {
		return switch (outcome) {
			case SUCCESS -> "success";
			case FAILURE -> (this.kind == Kind.GITHUB) ? "failure" : "failed";
			case ERROR -> (this.kind == Kind.GITHUB) ? "error" : "failed";
		};
	}

	/**
	 * Closes the open request from {@code head} into {@code base} with {@code comment} first; false when there is no
	 * open one (it was merged or closed already, or never opened).
	 */
	boolean close(String head, String base, String comment) {
		JsonNode open = open(head, base);
		if (open == null) {
			return false;
		}
		JsonNode number = open.get((this.kind == Kind.GITHUB) ? "number" : "iid");
		if (number == null || !number.canConvertToLong()) {
			throw new PublishFailure("The " + this.kind.shown + " API at " + this.api + " listed the " + what() + " of "
					+ head + " without its number.");
		}
		String path = projectPath() + ((this.kind == Kind.GITHUB) ? "/issues/" : "/merge_requests/")
				+ number.asLong();
		Response commented = call("POST", path + ((this.kind == Kind.GITHUB) ? "/comments" : "/notes"),
				Map.<String, Object>of("body", comment), "commenting on the superseded " + what() + " " + number.asLong());
		if (commented.status() / 100 != 2) {
			throw refused(commented, "commenting on the superseded " + what() + " " + number.asLong());
		}
		Response closed = (this.kind == Kind.GITHUB)
				? call("PATCH", projectPath() + "/pulls/" + number.asLong(), Map.<String, Object>of("state", "closed"),
						"closing the superseded pull request " + number.asLong())
				: call("PUT", path, Map.<String, Object>of("state_event", "close"),
						"closing the superseded merge request " + number.asLong());
		if (closed.status() / 100 != 2) {
			throw refused(closed, "closing the superseded " + what() + " " + number.asLong());
		}
		return true;
	}

	private @Nullable String existing(String head, String base) {
		JsonNode open = open(head, base);
		return (open != null) ? webUrl(open) : null;
	}

	/** The open request from {@code head} into {@code base} as the forge lists it, or null. */
	private @Nullable JsonNode open(String head, String base) {
		String query = (this.kind == Kind.GITHUB)
				? "?head=" + encode(this.project.substring(0, this.project.indexOf('/')) + ":" + head) + "&base="
						+ encode(base) + "&state=open"
				: "?source_branch=" + encode(head) + "&target_branch=" + encode(base) + "&state=opened";
		Response list = call("GET", projectPath() + pullsPath() + query, null, "looking for the " + what());
		JsonNode items = list.body();
		if (items != null && items.isArray() && !items.isEmpty()) {
			return items.get(0);
		}
		return null;
	}

	private String webUrl(@Nullable JsonNode item) {
		JsonNode url = (item != null) ? item.get((this.kind == Kind.GITHUB) ? "html_url" : "web_url") : null;
		if (url == null || !url.isString()) {
			throw new PublishFailure("The " + this.kind.shown + " API at " + this.api + " answered without the "
					+ what() + "'s address.");
		}
		return url.asString();
	}

	private String what() {
		return (this.kind == Kind.GITHUB) ? "pull request" : "merge request";
	}

	private String pullsPath() {
		return (this.kind == Kind.GITHUB) ? "/pulls" : "/merge_requests";
	}

	private String projectPath() {
		return (this.kind == Kind.GITHUB) ? "/repos/" + this.project
				: "/projects/" + URLEncoder.encode(this.project, StandardCharsets.UTF_8);
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8);
	}

	/** An answer: its status and its JSON body (null when it has none or it is not JSON). */
	record Response(int status, @Nullable JsonNode body) {
	}

	/**
	 * One call; 2xx, and for a POST also 409 and 422 (the caller decides), come back; anything else is a
	 * {@link PublishFailure} naming {@code doing}.
	 */
	private Response call(String method, String path, @Nullable Map<String, Object> body, String doing) {
		if (!method.equals("GET")) {
			this.fence.check(doing + " on " + this.kind.shown);
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.api + path))
			.timeout(this.timeout)
			.header("Accept", (this.kind == Kind.GITHUB) ? "application/vnd.github+json" : "application/json")
			.header("User-Agent", "portcullis");
		String token = this.target.credential("token");
		if (this.kind == Kind.GITHUB) {
			request.header("Authorization", "Bearer " + token).header("X-GitHub-Api-Version", "2022-11-28");
		}
		else {
			request.header("PRIVATE-TOKEN", String.valueOf(token));
		}
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		HttpResponse<String> response;
		try {
			response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (HttpTimeoutException ex) {
			throw new PublishFailure("Cannot reach the " + this.kind.shown + " API at " + this.api + " while "
					+ doing + ": no answer in time. The publication will be tried again.");
		}
		catch (ConnectException ex) {
			throw new PublishFailure("Cannot reach the " + this.kind.shown + " API at " + this.api + " while "
					+ doing + ": the connection was refused. The publication will be tried again.");
		}
		catch (IOException ex) {
			throw new PublishFailure(GitAdapter.redact("Cannot reach the " + this.kind.shown + " API at " + this.api
					+ " while " + doing + ": " + ((ex.getMessage() != null) ? ex.getMessage()
							: ex.getClass().getSimpleName()) + ".", this.target));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PublishFailure("Interrupted while " + doing + " on " + this.kind.shown + ".");
		}
		Response answer = new Response(response.statusCode(), json(response.body()));
		int status = response.statusCode();
		if (status / 100 == 2 || (body != null && (status == 409 || status == 422))) {
			return answer;
		}
		throw refused(answer, doing);
	}

	private PublishFailure refused(Response answer, String doing) {
		String where = "The " + this.kind.shown + " API at " + this.api;
		String message = switch (answer.status()) {
			case 401 -> where + " refused the token (401) while " + doing + ": check the target's token.";
			case 403 -> where + " did not allow " + doing + " (403): the token needs write access to "
					+ this.project + " (GitHub: contents, pull requests and commit statuses; GitLab: the api scope,"
					+ " Developer role).";
			case 404 -> where + " has no project " + this.project + " (404) while " + doing
					+ ", or the token cannot see it: check forge.project and the token.";
			default -> where + " answered " + answer.status() + " while " + doing + said(answer.body()) + ".";
		};
		return new PublishFailure(GitAdapter.redact(message, this.target));
	}

	/** The forge's own message, shortened: GitHub's {@code message} and {@code errors[].message}, GitLab's {@code message}. */
	private static String said(@Nullable JsonNode body) {
		if (body == null || !body.isObject()) {
			return "";
		}
		StringBuilder out = new StringBuilder();
		JsonNode message = body.get("message");
		if (message != null) {
			out.append(message.isString() ? message.asString() : message.toString());
		}
		JsonNode errors = body.get("errors");
		if (errors != null && errors.isArray()) {
			for (JsonNode error : errors) {
				JsonNode text = error.get("message");
				if (text != null && text.isString()) {
					out.append((out.length() > 0) ? "; " : "").append(text.asString());
				}
			}
		}
		String text = out.toString().replaceAll("\\s+", " ").strip();
		if (text.isEmpty()) {
			return "";
		}
		return ": " + ((text.length() > 200) ? text.substring(0, 200) + "…" : text);
	}

	private static @Nullable JsonNode json(@Nullable String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return JSON.readTree(text);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "Forge[" + this.kind.shown + " " + this.api + " " + this.project + "]";
	}

}
