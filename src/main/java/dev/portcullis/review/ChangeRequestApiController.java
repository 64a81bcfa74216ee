package dev.portcullis.review;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.ChangeSets;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.PolicySummary;
import dev.portcullis.policy.PolicyVersion;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.IfMatch;
import dev.portcullis.web.JsonBody;
import dev.portcullis.web.NulCharacters;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * The review API (issue 14; {@code openapi/review.yaml} is its contract): a workspace's protection rules, its change
 * requests with revisions, reviews and comments, merge and withdraw. A change request carries {@code ETag:
 * "<revision>"}; a revision ({@code PUT}) may send {@code If-Match} with it (412 when someone revised it meanwhile).
 */
@RestController
@RequestMapping("/api/v1/workspaces/{workspace}")
class ChangeRequestApiController {

	private static final int LIST_LIMIT = 200;

	private final Protections protections;

	private final ChangeRequests changeRequests;

	private final Merges merges;

	private final ChangeRequestRows rows;

	private final Impacts impacts;

	private final ChangeSets changeSets;

	private final JsonMapper json;

	ChangeRequestApiController(Protections protections, ChangeRequests changeRequests, Merges merges,
			ChangeRequestRows rows, Impacts impacts, ChangeSets changeSets, JsonMapper json) {
		this.protections = protections;
		this.changeRequests = changeRequests;
		this.merges = merges;
		this.rows = rows;
		this.impacts = impacts;
		this.changeSets = changeSets;
		this.json = json;
	}

	// ---------------------------------------------------------------- views

	record PolicyRef(String kind, String namespace, String name) {

		static PolicyRef of(PolicyKey key) {
			return new PolicyRef(key.kind().kindName(), key.namespace(), key.name());
		}

	}

	record TouchedView(String kind, String namespace, String name, String action, @Nullable Integer baseVersion) {

		static TouchedView of(ChangeSets.Touched t) {
			return new TouchedView(t.key().kind().kindName(), t.key().namespace(), t.key().name(),
					t.deleted() ? "DELETE" : (t.base() == null) ? "CREATE" : "CHANGE", t.base());
		}

	}

	record MovedView(String kind, String namespace, String name, @Nullable Integer baseVersion,
			@Nullable Integer currentVersion, boolean currentDeleted) {

		static MovedView of(ChangeSets.Moved m) {
			return new MovedView(m.key().kind().kindName(), m.key().namespace(), m.key().name(), m.base(), m.current(),
					m.currentDeleted());
		}

	}

	record RevisionView(int revision, String author, Instant createdAt, String changes, List<PolicyRef> deletes,
			List<TouchedView> policies) {

		static RevisionView of(Revision r) {
			return new RevisionView(r.revision(), r.author(), r.createdAt(), r.changes(),
					r.deletes().stream().map(PolicyRef::of).toList(), r.policies().stream().map(TouchedView::of).toList());
		}

	}

	record SummaryView(long id, String workspace, String title, String author, ChangeRequest.Status status,
			int revision, Instant createdAt, Instant updatedAt) {

		static SummaryView of(ChangeRequest c) {
			return new SummaryView(c.id(), c.workspace(), c.title(), c.author(), c.status(), c.revision(), c.createdAt(),
					c.updatedAt());
		}

	}

	record ListView(List<SummaryView> items) {
	}

	record ChangeRequestView(long id, String workspace, String title, String description, String author,
			ChangeRequest.Status status, int revision, Instant createdAt, Instant updatedAt, @Nullable Instant closedAt,
			@Nullable String closedBy, @Nullable String bypassReason, String changes, List<PolicyRef> deletes,
			List<TouchedView> policies, boolean mergeable, List<Approvals.Check> checks, List<String> approvers,
			List<MovedView> moved, Approvals.@Nullable ExpectationsOutcome expectations, Impacts.Impact impact,
			List<Review> reviews, List<RevisionView> revisions, List<Comment> comments,
			List<MergedVersion> mergedVersions) {

		static ChangeRequestView of(Merges.Standing s, Impacts.Impact impact, List<MergedVersion> mergedVersions) {
			ChangeRequest c = s.change();
			Revision latest = s.latest();
			return new ChangeRequestView(c.id(), c.workspace(), c.title(), c.description(), c.author(), c.status(),
					c.revision(), c.createdAt(), c.updatedAt(), c.closedAt(), c.closedBy(), c.bypassReason(),
					latest.changes(), latest.deletes().stream().map(PolicyRef::of).toList(),
					latest.policies().stream().map(TouchedView::of).toList(), s.mergeable(), s.approvals().checks(),
					s.approvals().approvers(), s.moved().stream().map(MovedView::of).toList(), s.expectations(), impact,
					s.reviews(), s.revisions().stream().map(RevisionView::of).toList(), s.comments(), mergedVersions);
		}

	}

	record MergeView(long id, ChangeRequest.Status status, List<MergedVersion> versions) {
	}

	record MergedVersion(String kind, String namespace, String name, int version, boolean deleted) {

		static MergedVersion of(PolicyVersion v) {
			return of(v.summary());
		}

		static MergedVersion of(PolicySummary v) {
			return new MergedVersion(v.key().kind().kindName(), v.key().namespace(), v.key().name(), v.version(),
					v.deleted());
		}

	}

	record CommentsView(List<Comment> items) {
	}

	// ---------------------------------------------------------------- protection

	@GetMapping(path = "/protection", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ProtectionRules> protection(@PathVariable String workspace) {
		return this.protections.of(workspace);
	}

	@PutMapping(path = "/protection", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ProtectionRules> setProtection(@PathVariable String workspace, @RequestBody(required = false) @Nullable String body,
			ServerWebExchange exchange) {
		JsonNode request = object(body);
		ProtectionRules rules = new ProtectionRules(bool(request, "protected", ProtectionRules.NONE.isProtected()),
				integer(request, "requiredApprovals", ProtectionRules.NONE.requiredApprovals()),
				bool(request, "dismissStaleApprovals", ProtectionRules.NONE.dismissStaleApprovals()),
				bool(request, "requireLastRevisionApproval", ProtectionRules.NONE.requireLastRevisionApproval()),
				bool(request, "requireExpectations", ProtectionRules.NONE.requireExpectations()));
		return Actor.current(exchange).flatMap((by) -> this.protections.set(workspace, rules, by));
	}

	// ---------------------------------------------------------------- change requests

	@GetMapping(path = "/change-requests", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ListView> list(@PathVariable String workspace, @RequestParam(required = false) @Nullable String status) {
		ChangeRequest.Status wanted = (status == null || status.isBlank()) ? null : status(status);
		return this.protections.of(workspace)
			.thenMany(this.rows.list(workspace, wanted, LIST_LIMIT))
			.map(SummaryView::of)
			.collectList()
			.map(ListView::new);
	}

	@PostMapping(path = "/change-requests", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<ChangeRequestView>> propose(@PathVariable String workspace,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		ChangeRequests.Proposal proposal = proposal(object(body));
		return Actor.current(exchange)
			.flatMap((by) -> this.changeRequests.propose(workspace, proposal, by))
			.flatMap((created) -> view(workspace, created.id()))
			.map((view) -> ResponseEntity.status(HttpStatus.CREATED)
				.location(java.net.URI.create("/api/v1/workspaces/" + workspace + "/change-requests/" + view.id()))
				.eTag(etag(view.revision()))
				.body(view));
	}

	@GetMapping(path = "/change-requests/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<ChangeRequestView>> get(@PathVariable String workspace, @PathVariable String id) {
		return view(workspace, id(id)).map((view) -> ResponseEntity.ok().eTag(etag(view.revision())).body(view));
	}

	@PutMapping(path = "/change-requests/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<ChangeRequestView>> revise(@PathVariable String workspace, @PathVariable String id,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		long number = id(id);
		ChangeRequests.Proposal proposal = proposal(object(body));
		Integer expected = (ifMatch != null) ? revisionOf(ifMatch) : null;
		return Actor.current(exchange)
			.flatMap((by) -> this.changeRequests.revise(workspace, number, proposal, expected, by))
			.flatMap((revised) -> view(workspace, number))
			.map((view) -> ResponseEntity.ok().eTag(etag(view.revision())).body(view));
	}

	@PostMapping(path = "/change-requests/{id}/reviews", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ChangeRequestView> review(@PathVariable String workspace, @PathVariable String id,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		long number = id(id);
		JsonNode request = object(body);
		String decision = text(request, "decision", true);
		Review.Decision parsed;
		try {
			parsed = Review.Decision.valueOf(decision.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw invalid("decision", "decision must be APPROVE, REQUEST_CHANGES or COMMENT, not " + Quoted.of(decision));
		}
		String text = text(request, "body", false);
		return Actor.current(exchange)
			.flatMap((by) -> this.changeRequests.review(workspace, number, parsed, text, by))
			.then(view(workspace, number));
	}

	@PostMapping(path = "/change-requests/{id}/merge", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<MergeView> merge(@PathVariable String workspace, @PathVariable String id,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		long number = id(id);
		String bypass = null;
		if (body != null && !body.isBlank()) {
			JsonNode request = object(body);
			boolean wanted = bool(request, "bypass", false);
			String reason = text(request, "reason", false);
			if (wanted) {
				bypass = reason;
			}
			else if (!reason.isEmpty()) {
				throw invalid("bypass", "A reason goes with \"bypass\": true.");
			}
		}
		String bypassReason = bypass;
		return Actor.current(exchange)
			.flatMap((by) -> this.merges.merge(workspace, number, bypassReason, by))
			.map((written) -> new MergeView(number, ChangeRequest.Status.MERGED,
					written.stream().map(MergedVersion::of).toList()));
	}

	@PostMapping(path = "/change-requests/{id}/withdraw", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ChangeRequestView> withdraw(@PathVariable String workspace, @PathVariable String id,
			ServerWebExchange exchange) {
		long number = id(id);
		return Actor.current(exchange)
			.flatMap((by) -> this.changeRequests.withdraw(workspace, number, by))
			.then(view(workspace, number));
	}

	// ---------------------------------------------------------------- comments

	@GetMapping(path = "/change-requests/{id}/comments", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<CommentsView> comments(@PathVariable String workspace, @PathVariable String id) {
		long number = id(id);
		return this.rows.find(workspace, number, false).then(this.rows.comments(number)).map(CommentsView::new);
	}

	@PostMapping(path = "/change-requests/{id}/comments", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Comment>> comment(@PathVariable String workspace, @PathVariable String id,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		long number = id(id);
		JsonNode request = object(body);
		String text = text(request, "body", true);
		String policy = text(request, "policy", false);
		JsonNode line = request.get("line");
		JsonNode parent = request.get("parentId");
		if (line != null && !line.isNull() && !line.canConvertToInt()) {
			throw invalid("line", "line must be a line number.");
		}
		if (parent != null && !parent.isNull() && !parent.canConvertToLong()) {
			throw invalid("parentId", "parentId must be a comment id.");
		}
		Integer lineNumber = (line != null && !line.isNull()) ? line.asInt() : null;
		Long parentId = (parent != null && !parent.isNull()) ? parent.asLong() : null;
		return Actor.current(exchange)
			.flatMap((by) -> this.changeRequests.comment(workspace, number, text, policy.isEmpty() ? null : policy,
					lineNumber, parentId, by))
			.map((c) -> ResponseEntity.status(HttpStatus.CREATED).body(c));
	}

	@PostMapping(path = "/change-requests/{id}/comments/{comment}/resolve", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Comment> resolve(@PathVariable String workspace, @PathVariable String id, @PathVariable String comment,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		long number = id(id);
		long commentId = id(comment);
		boolean resolved = (body == null || body.isBlank()) || bool(object(body), "resolved", true);
		return Actor.current(exchange)
			.flatMap((by) -> this.changeRequests.resolve(workspace, number, commentId, resolved, by));
	}

	private Mono<ChangeRequestView> view(String workspace, long id) {
		return this.merges.standing(workspace, id, true)
			.flatMap((standing) -> Mono.zip(this.impacts.of(workspace, standing),
					this.changeSets.mergedBy(workspace, id).map(MergedVersion::of).collectList())
				.map((found) -> ChangeRequestView.of(standing, found.getT1(), found.getT2())));
	}

	// ---------------------------------------------------------------- errors

	@ExceptionHandler(StoreException.class)
	ResponseEntity<ProblemDetail> storeProblem(StoreException ex, ServerWebExchange exchange) {
		return problem(ex).response(exchange);
	}

	/** The problem a store refusal of a change answers with. */
	static ApiProblem problem(StoreException ex) {
		if (ex instanceof StoreException.NotFound) {
			return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage());
		}
		if (ex instanceof StoreException.Invalid invalid) {
			List<Violation> errors = invalid.violations().stream().filter(Violation::isError).toList();
			return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-change", "Invalid change", ex.getMessage()
					+ " Nothing was written; the previous revision is kept.", errors);
		}
		if (ex instanceof StoreException.BadRequest) {
			return ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-change", "Invalid change", ex.getMessage());
		}
		if (ex instanceof StoreException.TooLarge) {
			return ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE, "change-too-large", "Change too large", ex.getMessage());
		}
		if (ex instanceof StoreException.BaseMoved moved) {
			return ApiProblem.of(HttpStatus.CONFLICT, "base-moved", "Base moved", ex.getMessage())
				.property("moved", moved.moved().stream().map(MovedView::of).toList());
		}
		return ApiProblem.of(HttpStatus.CONFLICT, "change-conflict", "Change conflict", ex.getMessage());
	}

	// ---------------------------------------------------------------- requests

	private JsonNode object(@Nullable String body) {
		return JsonBody.object(this.json, body, "The body must be a JSON object.");
	}

	private static ChangeRequests.Proposal proposal(JsonNode request) {
		String title = text(request, "title", true);
		String description = text(request, "description", false);
		String changes = text(request, "changes", false);
		List<PolicyKey> deletes = new ArrayList<>();
		JsonNode list = request.get("deletes");
		if (list != null && !list.isNull()) {
			if (!list.isArray()) {
				throw invalid("deletes", "deletes must be a list of {\"kind\", \"namespace\", \"name\"}.");
			}
			for (int i = 0; i < list.size(); i++) {
				JsonNode item = list.get(i);
				String field = "deletes[" + i + "]";
				if (!item.isObject()) {
					throw invalid(field, field + " must be {\"kind\", \"namespace\", \"name\"}.");
				}
				String kind = text(item, "kind", true, field + ".kind");
				String namespace = text(item, "namespace", false, field + ".namespace");
				String name = text(item, "name", true, field + ".name");
				try {
					deletes.add(PolicyKey.parse(kind, namespace.isEmpty() ? PolicyKey.NO_NAMESPACE_SEGMENT : namespace,
							name));
				}
				catch (IllegalArgumentException ex) {
					throw invalid(field, field + ": " + ex.getMessage() + ".");
				}
			}
		}
		return new ChangeRequests.Proposal(title, description, changes, deletes);
	}

	private static String text(JsonNode request, String member, boolean required) {
		return text(request, member, required, member);
	}

	private static String text(JsonNode request, String member, boolean required, String field) {
		JsonNode node = request.get(member);
		if (node == null || node.isNull()) {
			if (required) {
				throw invalid(field, field + " is required.");
			}
			return "";
		}
		if (!node.isString()) {
			throw invalid(field, field + " must be a string.");
		}
		NulCharacters.refuse(field, node.asString());
		return node.asString();
	}

	private static boolean bool(JsonNode request, String member, boolean otherwise) {
		JsonNode node = request.get(member);
		if (node == null || node.isNull()) {
			return otherwise;
		}
		if (!node.isBoolean()) {
			throw invalid(member, member + " must be true or false.");
		}
		return node.asBoolean();
	}

	private static int integer(JsonNode request, String member, int otherwise) {
		JsonNode node = request.get(member);
		if (node == null || node.isNull()) {
			return otherwise;
		}
		if (!node.isIntegralNumber() || !node.canConvertToInt()) {
			throw invalid(member, member + " must be a whole number.");
		}
		return node.asInt();
	}

	private static ApiProblem invalid(String field, String message) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", message,
				List.of(FieldViolation.at(field, message)));
	}

	private static ChangeRequest.Status status(String text) {
		try {
			return ChangeRequest.Status.valueOf(text.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", "status must be OPEN, APPROVED, "
					+ "CHANGES_REQUESTED, MERGED or WITHDRAWN, not " + Quoted.of(text) + ".");
		}
	}

	private static long id(String text) {
		long n = ChangeRequestNumber.parse(text);
		if (n >= 1) {
			return n;
		}
		throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter",
				"An id is a number from 1, not " + Quoted.of(text) + ".");
	}

	private static String etag(int revision) {
		return "\"" + revision + "\"";
	}

	private static int revisionOf(String ifMatch) {
		return IfMatch.number(ifMatch, "revision", 2);
	}

}
