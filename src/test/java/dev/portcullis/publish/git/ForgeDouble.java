package dev.portcullis.publish.git;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for the GitHub or GitLab REST API over one project whose repository is a bare repository on disk: the
 * endpoints Portcullis calls, with the request and response shapes and errors the forges document (docs/adr/045).
 * <ul>
 * <li>GitHub ({@code https://docs.github.com/rest}): {@code Authorization: Bearer <token>} or 401
 * {@code {"message": "Bad credentials"}}; {@code GET /repos/{o}/{r}}; {@code GET /repos/{o}/{r}/pulls?head=o:branch
 * &base=&state=open}; {@code POST /repos/{o}/{r}/pulls} {@code {title, head, base, body}} → 201 {@code {number,
 * html_url, state, head: {ref}, base: {ref}}}, 422 "Validation Failed" with "A pull request already exists for
 * o:branch." or when the head branch does not exist; {@code POST /repos/{o}/{r}/statuses/{sha}} {@code {state,
 * target_url, description, context}} → 201, 422 for an unknown state or commit.</li>
 * <li>GitLab ({@code https://docs.gitlab.com/api/}): {@code PRIVATE-TOKEN: <token>} or 401
 * {@code {"message": "401 Unauthorized"}}; the project by its URL-encoded path; {@code GET /projects/{path}};
 * {@code GET /projects/{path}/merge_requests?source_branch=&target_branch=&state=opened}; {@code POST
 * /projects/{path}/merge_requests} {@code {source_branch, target_branch, title, description}} → 201 {@code {iid,
 * web_url, state}}, 409 {@code {"message": ["Another open merge request already exists for this source branch:
 * !1"]}}; {@code POST /projects/{path}/statuses/{sha}} {@code {state, name, description, target_url}} → 201.</li>
 * </ul>
 * Closing a superseded request: GitHub {@code POST /repos/{o}/{r}/issues/{number}/comments} {@code {body}} → 201
 * {@code {id, body, html_url}} and {@code PATCH /repos/{o}/{r}/pulls/{number}} {@code {state: "closed"}} → 200 the pull
 * request ("Create an issue comment", "Update a pull request"); GitLab {@code POST
 * /projects/{path}/merge_requests/{iid}/notes} {@code {body}} → 201 {@code {id, body}} and {@code PUT
 * /projects/{path}/merge_requests/{iid}} {@code {state_event: "close"}} → 200 ("Create new merge request note",
 * "Update MR"). A closed or merged request is no longer listed as open; 404 for an unknown number.
 * Every request is recorded. {@link #down} answers 503 to everything; {@link #listMisses} makes the next list answers
 * empty (as if a request were opened between a list and a create).
 */
public final class ForgeDouble implements AutoCloseable {

	public static final String TOKEN = "ghp_forgeDoubleToken7781";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** One request as the double saw it. */
	public record Request(String method, String path, String query, Map<String, String> headers,
			Map<String, Object> body) {
	}

	/** A pull (merge) request the double holds. */
	public record Pull(int number, String head, String base, String title, String body, String url) {
	}

	/** A commit status the double holds ({@code targetUrl} null when none was sent). */
	public record Status(String sha, String state, String context, String description,
			@org.jspecify.annotations.Nullable String targetUrl) {
	}

	public final List<Request> requests = new CopyOnWriteArrayList<>();

	public final List<Pull> pulls = new CopyOnWriteArrayList<>();

	public final List<Status> statuses = new CopyOnWriteArrayList<>();

	/** Each request's state by number: open (absent), {@code closed} or {@code merged}. */
	public final Map<Integer, String> states = new java.util.concurrent.ConcurrentHashMap<>();

	/** The comments (notes) on each request, by number. */
	public final Map<Integer, List<String>> comments = new java.util.concurrent.ConcurrentHashMap<>();

	/** Whether request {@code number} is open. */
	public boolean open(int number) {
		return !this.states.containsKey(number);
	}

	/** While true every answer is 503. */
	public volatile boolean down;

	/** How many of the next list requests answer an empty list whatever is open. */
	public final AtomicInteger listMisses = new AtomicInteger();

	private final boolean github;

	private final String project;

	private final Path bare;

	private final HttpServer server;

	/**
	 * @param github GitHub (else GitLab)
	 * @param project {@code owner/repo} or {@code group/project}
	 * @param bare the project's repository
	 */
	public ForgeDouble(boolean github, String project, Path bare) throws IOException {
		this.github = github;
		this.project = project;
		this.bare = bare;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/** The API's base URL (what a target's {@code forge.apiUrl} is set to). */
	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + (this.github ? "/api/v3" : "/api/v4");
	}

	/** The requests to {@code method} whose path ends with {@code suffix}. */
	public List<Request> requests(String method, String suffix) {
		return this.requests.stream().filter((r) -> r.method().equals(method) && r.path().endsWith(suffix)).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String raw = exchange.getRequestURI().getRawPath();
			String query = (exchange.getRequestURI().getRawQuery() != null) ? exchange.getRequestURI().getRawQuery()
					: "";
			Map<String, String> headers = new LinkedHashMap<>();
			exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
			byte[] bytes = exchange.getRequestBody().readAllBytes();
			Map<String, Object> body = new LinkedHashMap<>();
			if (bytes.length > 0) {
				JsonNode parsed = JSON.readTree(bytes);
				parsed.propertyNames().forEach((name) -> body.put(name, parsed.get(name).isString()
						? parsed.get(name).asString() : parsed.get(name).toString()));
			}
			this.requests.add(new Request(exchange.getRequestMethod(), raw, query, headers, body));
			if (this.down) {
				send(exchange, 503, Map.of("message", "Service Unavailable"));
				return;
			}
			String prefix = this.github ? "/api/v3/repos/" + this.project
					: "/api/v4/projects/" + this.project.replace("/", "%2F");
			boolean authorized = this.github ? ("Bearer " + TOKEN).equals(headers.get("authorization"))
					: TOKEN.equals(headers.get("private-token"));
			if (!authorized) {
				send(exchange, 401, Map.of("message", this.github ? "Bad credentials" : "401 Unauthorized"));
				return;
			}
			if (!raw.startsWith(prefix)) {
				send(exchange, 404, Map.of("message", this.github ? "Not Found" : "404 Project Not Found"));
				return;
			}
			String rest = raw.substring(prefix.length());
			String method = exchange.getRequestMethod();
			if (rest.isEmpty() && method.equals("GET")) {
				send(exchange, 200, this.github ? Map.of("full_name", this.project, "default_branch", "main")
						: Map.of("id", 42, "path_with_namespace", this.project, "default_branch", "main"));
			}
			else if (rest.equals(this.github ? "/pulls" : "/merge_requests") && method.equals("GET")) {
				list(exchange, query(query));
			}
			else if (rest.equals(this.github ? "/pulls" : "/merge_requests") && method.equals("POST")) {
				create(exchange, body);
			}
			else if (rest.startsWith("/statuses/") && method.equals("POST")) {
				status(exchange, rest.substring("/statuses/".length()), body);
			}
			else if (rest.matches(this.github ? "/issues/\\d+/comments" : "/merge_requests/\\d+/notes")
					&& method.equals("POST")) {
				comment(exchange, Integer.parseInt(rest.split("/")[2]), body);
			}
			else if (rest.matches(this.github ? "/pulls/\\d+" : "/merge_requests/\\d+")
					&& method.equals(this.github ? "PATCH" : "PUT")) {
				update(exchange, Integer.parseInt(rest.split("/")[2]), body);
			}
			else {
				send(exchange, 404, Map.of("message", this.github ? "Not Found" : "404 Not found"));
			}
		}
	}

	private void list(HttpExchange exchange, Map<String, String> query) throws IOException {
		List<Map<String, Object>> out = new ArrayList<>();
		if (this.listMisses.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			send(exchange, 200, out);
			return;
		}
		String owner = this.project.substring(0, this.project.indexOf('/'));
		for (Pull pull : this.pulls) {
			if (!open(pull.number())) {
				continue;
			}
			boolean matches = this.github
					? (query.get("head") == null || query.get("head").equals(owner + ":" + pull.head()))
							&& (query.get("base") == null || query.get("base").equals(pull.base()))
							&& !"closed".equals(query.get("state"))
					: (query.get("source_branch") == null || query.get("source_branch").equals(pull.head()))
							&& (query.get("target_branch") == null || query.get("target_branch").equals(pull.base()))
							&& List.of("opened", "all").contains(query.getOrDefault("state", "all"));
			if (matches) {
				out.add(pull(pull));
			}
		}
		send(exchange, 200, out);
	}

	private void create(HttpExchange exchange, Map<String, Object> body) throws IOException {
		String head = (String) body.get(this.github ? "head" : "source_branch");
		String base = (String) body.get(this.github ? "base" : "target_branch");
		String title = (String) body.get("title");
		if (head == null || base == null || title == null) {
			send(exchange, this.github ? 422 : 400, Map.of("message", this.github ? "Validation Failed"
					: "title is missing, source_branch is missing, target_branch is missing"));
			return;
		}
		if (!hasBranch(head) || !hasBranch(base)) {
			send(exchange, this.github ? 422 : 404, this.github ? Map.of("message", "Validation Failed", "errors",
					List.of(Map.of("resource", "PullRequest", "field", hasBranch(head) ? "base" : "head", "code",
							"invalid"))) : Map.of("message", "404 Branch Not Found"));
			return;
		}
		for (Pull pull : this.pulls) {
			if (open(pull.number()) && pull.head().equals(head) && pull.base().equals(base)) {
				String owner = this.project.substring(0, this.project.indexOf('/'));
				send(exchange, this.github ? 422 : 409, this.github
						? Map.of("message", "Validation Failed", "errors", List.of(Map.of("resource", "PullRequest",
								"code", "custom", "message", "A pull request already exists for " + owner + ":" + head
										+ ".")))
						: Map.of("message", List.of("Another open merge request already exists for this source"
								+ " branch: !" + pull.number())));
				return;
			}
		}
		int number = this.pulls.size() + 1;
		String url = this.github ? "https://github.example/" + this.project + "/pull/" + number
				: "https://gitlab.example/" + this.project + "/-/merge_requests/" + number;
		Pull pull = new Pull(number, head, base, title, String.valueOf(body.get(this.github ? "body" : "description")),
				url);
		this.pulls.add(pull);
		send(exchange, 201, pull(pull));
	}

	private void comment(HttpExchange exchange, int number, Map<String, Object> body) throws IOException {
		if (number < 1 || number > this.pulls.size()) {
			send(exchange, 404, Map.of("message", this.github ? "Not Found" : "404 Not found"));
			return;
		}
		Object text = body.get("body");
		if (!(text instanceof String comment) || comment.isBlank()) {
			send(exchange, this.github ? 422 : 400, Map.of("message", this.github ? "Validation Failed"
					: "400 (Bad request) \"body\" not given"));
			return;
		}
		this.comments.computeIfAbsent(number, (n) -> new CopyOnWriteArrayList<>()).add(comment);
		int id = this.comments.values().stream().mapToInt(List::size).sum();
		send(exchange, 201, this.github ? Map.of("id", id, "body", comment, "html_url",
				this.pulls.get(number - 1).url() + "#issuecomment-" + id) : Map.of("id", id, "body", comment));
	}

	private void update(HttpExchange exchange, int number, Map<String, Object> body) throws IOException {
		if (number < 1 || number > this.pulls.size()) {
			send(exchange, 404, Map.of("message", this.github ? "Not Found" : "404 Not found"));
			return;
		}
		Object state = body.get(this.github ? "state" : "state_event");
		if (!(this.github ? List.of("open", "closed") : List.of("close", "reopen")).contains(state)) {
			send(exchange, this.github ? 422 : 400, Map.of("message", this.github ? "Validation Failed"
					: "state_event does not have a valid value"));
			return;
		}
		if ("merged".equals(this.states.get(number))) {
			send(exchange, this.github ? 422 : 405, Map.of("message", this.github ? "Validation Failed"
					: "405 Method Not Allowed"));
			return;
		}
		if (state.equals("closed") || state.equals("close")) {
			this.states.put(number, "closed");
		}
		else {
			this.states.remove(number);
		}
		Map<String, Object> out = pull(this.pulls.get(number - 1));
		out.put("state", open(number) ? (this.github ? "open" : "opened") : "closed");
		send(exchange, 200, out);
	}

	private void status(HttpExchange exchange, String sha, Map<String, Object> body) throws IOException {
		String state = (String) body.get("state");
		List<String> states = this.github ? List.of("error", "failure", "pending", "success")
				: List.of("pending", "running", "success", "failed", "canceled", "skipped");
		if (state == null || !states.contains(state)) {
			send(exchange, this.github ? 422 : 400, Map.of("message", this.github ? "Validation Failed"
					: "state does not have a valid value"));
			return;
		}
		if (!hasCommit(sha)) {
			send(exchange, this.github ? 422 : 404, Map.of("message", this.github ? "No commit found for SHA: " + sha
					: "404 References for commit Not Found"));
			return;
		}
		String description = String.valueOf(body.getOrDefault("description", ""));
		if (this.github && description.length() > 140) {
			send(exchange, 422, Map.of("message", "Validation Failed", "errors",
					List.of(Map.of("resource", "Status", "field", "description", "code", "custom", "message",
							"description is too long (maximum is 140 characters)"))));
			return;
		}
		Status status = new Status(sha, state, String.valueOf(body.get(this.github ? "context" : "name")),
				description, (String) body.get("target_url"));
		this.statuses.add(status);
		send(exchange, 201, Map.of("id", this.statuses.size(), "state", state, "sha", sha));
	}

	private Map<String, Object> pull(Pull pull) {
		Map<String, Object> out = new LinkedHashMap<>();
		if (this.github) {
			out.put("number", pull.number());
			out.put("html_url", pull.url());
			out.put("state", "open");
			out.put("title", pull.title());
			out.put("head", Map.of("ref", pull.head()));
			out.put("base", Map.of("ref", pull.base()));
		}
		else {
			out.put("iid", pull.number());
			out.put("web_url", pull.url());
			out.put("state", "opened");
			out.put("title", pull.title());
			out.put("source_branch", pull.head());
			out.put("target_branch", pull.base());
		}
		return out;
	}

	private boolean hasBranch(String branch) {
		try (Repository repository = repository()) {
			return repository.exactRef("refs/heads/" + branch) != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private boolean hasCommit(String sha) {
		try (Repository repository = repository()) {
			return ObjectId.isId(sha) && repository.getObjectDatabase().has(ObjectId.fromString(sha));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private Repository repository() throws IOException {
		return new FileRepositoryBuilder().setGitDir(this.bare.toFile()).setBare().build();
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> out = new LinkedHashMap<>();
		for (String pair : raw.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int eq = pair.indexOf('=');
			out.put(URLDecoder.decode((eq < 0) ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
					(eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
		}
		return out;
	}

	private static void send(HttpExchange exchange, int status, Object body) throws IOException {
		byte[] bytes = JSON.writeValueAsBytes(body);
		exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
