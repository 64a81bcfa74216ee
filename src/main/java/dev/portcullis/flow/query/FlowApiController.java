package dev.portcullis.flow.query;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.portcullis.policy.StoreException;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code GET /api/v1/workspaces/{workspace}/flows}: the flow log through {@code hubble observe}'s filters
 * ({@link FlowFilter}), newest first: a page as JSON ({@code {"flows": [...], "nextCursor": ...}}), every match as
 * NDJSON ({@code Accept: application/x-ndjson}, re-importable) or CSV ({@code Accept: text/csv}), or with
 * {@code follow=true} and {@code Accept: text/event-stream} the live tail. {@code GET .../flows/edges} answers the
 * service map's edges. Viewers read flows. See {@code openapi/flows.yaml} and docs/adr/026.
 */
@RestController
class FlowApiController {

	static final String NDJSON = "application/x-ndjson";

	static final String CSV = "text/csv";

	/** The default and largest page size. */
	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 1000;

	private final FlowReads reads;

	private final FlowDecisions decisions;

	private final FlowEdges edges;

	private final JsonMapper json;

	FlowApiController(FlowReads reads, FlowDecisions decisions, FlowEdges edges, JsonMapper json) {
		this.reads = reads;
		this.decisions = decisions;
		this.edges = edges;
		this.json = json;
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/flows", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<String>> page(@PathVariable String workspace, ServerWebExchange exchange) {
		MultiValueMap<String, String> parameters = exchange.getRequest().getQueryParams();
		FlowFilter filter = filter(parameters);
		if (parameters.containsKey("format")) {
			throw refused(new FilterRefused("format", 0, "format must be ndjson or csv, not "
					+ Quoted.of(parameters.getFirst("format"))));
		}
		if (isTrue(parameters, "follow")) {
			throw ApiProblem.of(HttpStatus.NOT_ACCEPTABLE, "follow-needs-event-stream", "Follow needs an event stream",
					"follow=true tails the flow log as server-sent events: send Accept: text/event-stream.");
		}
		int limit = limit(parameters);
		FlowCursor cursor = cursor(parameters);
		return this.reads.page(workspace, filter, cursor, limit)
			.flatMap((page) -> this.decisions.decide(workspace, page.flows()).map((decided) -> {
				StringBuilder body = new StringBuilder("{\"flows\":[");
				for (int i = 0; i < page.flows().size(); i++) {
					StoredRow row = page.flows().get(i);
					body.append((i > 0) ? "," : "").append(FlowOutput.apiObject(row, decided.get(row.id()), this.json));
				}
				body.append("],\"nextCursor\":")
					.append((page.next() != null) ? "\"" + page.next().token() + "\"" : "null")
					.append(",\"command\":")
					.append(this.json.writeValueAsString(filter.toCommand()))
					.append('}');
				return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body.toString());
			}));
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/flows", params = "format=ndjson")
	Mono<Void> ndjsonLink(@PathVariable String workspace, ServerWebExchange exchange) {
		return ndjson(workspace, exchange);
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/flows", params = "format=csv")
	Mono<Void> csvLink(@PathVariable String workspace, ServerWebExchange exchange) {
		return csv(workspace, exchange);
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/flows", produces = NDJSON)
	Mono<Void> ndjson(@PathVariable String workspace, ServerWebExchange exchange) {
		FlowFilter filter = exportFilter(exchange);
		return write(exchange, MediaType.parseMediaType(NDJSON), workspace, "ndjson",
				this.reads.all(workspace, filter).map((row) -> FlowOutput.hubbleLine(row, this.json) + "\n"));
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/flows", produces = CSV)
	Mono<Void> csv(@PathVariable String workspace, ServerWebExchange exchange) {
		FlowFilter filter = exportFilter(exchange);
		Flux<String> rows = this.reads.all(workspace, filter)
			.buffer(200)
			.concatMap((batch) -> this.decisions.decide(workspace, batch)
				.flatMapMany((decided) -> Flux.fromIterable(batch).map((row) -> FlowOutput.csvRow(row, decided.get(row.id())))));
		return write(exchange, MediaType.parseMediaType(CSV + ";charset=UTF-8"), workspace, "csv",
				Flux.just(FlowOutput.csvHeader()).concatWith(rows));
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/flows", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> follow(@PathVariable String workspace, ServerWebExchange exchange) {
		MultiValueMap<String, String> parameters = exchange.getRequest().getQueryParams();
		FlowFilter filter = filter(parameters);
		if (!isTrue(parameters, "follow")) {
			throw ApiProblem.badRequest("follow-required", "Follow required",
					"An event stream tails the flow log: add follow=true (or ask for JSON, NDJSON or CSV).");
		}
		Flux<ServerSentEvent<String>> flows = this.reads.follow(workspace, filter)
			.bufferTimeout(100, Duration.ofMillis(20))
			.concatMap((batch) -> this.decisions.decide(workspace, batch)
				.flatMapMany((decided) -> Flux.fromIterable(batch)
					.map((row) -> ServerSentEvent.<String>builder()
						.id(row.cursor().token())
						.event("flow")
						.data(FlowOutput.apiObject(row, decided.get(row.id()), this.json))
						.build())));
		Flux<ServerSentEvent<String>> keepAlive = Flux.interval(Duration.ofSeconds(15))
			.map((tick) -> ServerSentEvent.<String>builder().comment("keep-alive").build());
		return Flux.merge(flows, keepAlive);
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/flows/edges", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Map<String, Object>> edges(@PathVariable String workspace, ServerWebExchange exchange) {
		MultiValueMap<String, String> parameters = exchange.getRequest().getQueryParams();
		for (String name : parameters.keySet()) {
			if (!List.of("since", "until", "limit").contains(name)) {
				throw refused(new FilterRefused(name, 0, "Unknown parameter " + Quoted.of(name)
						+ "; edges take since, until and limit"));
			}
		}
		Instant now = Instant.now();
		Instant since = bound(parameters, "since", now, "1h");
		Instant until = bound(parameters, "until", now, "0s");
		int limit = limit(parameters);
		return this.edges.between(workspace, since, until, limit).collectList()
			.map((found) -> Map.of("since", since.toString(), "until", until.toString(), "edges", found));
	}

	static Instant bound(MultiValueMap<String, String> parameters, String name, Instant now, String otherwise) {
		String text = parameters.getFirst(name);
		try {
			return TimeBound.parse((text != null) ? text : otherwise).resolve(now);
		}
		catch (IllegalArgumentException ex) {
			throw refused(new FilterRefused(name, 0, name + " " + ex.getMessage()));
		}
	}

	private FlowFilter exportFilter(ServerWebExchange exchange) {
		MultiValueMap<String, String> parameters = exchange.getRequest().getQueryParams();
		FlowFilter filter = filter(parameters);
		String format = parameters.getFirst("format");
		if (format != null && !format.equals("ndjson") && !format.equals("csv")) {
			throw refused(new FilterRefused("format", 0, "format must be ndjson or csv, not " + Quoted.of(format)));
		}
		if (parameters.containsKey("cursor") || parameters.containsKey("limit") || isTrue(parameters, "follow")) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", "An export streams every match:"
					+ " limit, cursor and follow do not apply to NDJSON or CSV.");
		}
		return filter;
	}

	private Mono<Void> write(ServerWebExchange exchange, MediaType type, String workspace, String extension,
			Flux<String> lines) {
		ServerHttpResponse response = exchange.getResponse();
		response.getHeaders().setContentType(type);
		response.getHeaders().set(HttpHeaders.CONTENT_DISPOSITION,
				"attachment; filename=\"" + workspace + "-flows." + extension + "\"");
		// the first row is read before the status is sent, so that an unknown workspace is still a 404 problem
		Flux<DataBuffer> body = lines.buffer(100)
			.map((batch) -> response.bufferFactory().wrap(String.join("", batch).getBytes(StandardCharsets.UTF_8)));
		return body.switchOnFirst((first, all) -> {
			if (first.hasError()) {
				return Flux.error(first.getThrowable());
			}
			return all;
		}).as((flux) -> response.writeWith(flux));
	}

	/** The filter of a request's parameters: 400 naming the parameter when it cannot be read. */
	static FlowFilter filter(MultiValueMap<String, String> parameters) {
		try {
			return FlowFilter.fromParameters(parameters);
		}
		catch (FilterRefused ex) {
			throw refused(ex);
		}
	}

	static ApiProblem refused(FilterRefused ex) {
		String detail = ex.getMessage().endsWith(".") ? ex.getMessage() : ex.getMessage() + ".";
		return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-filter", "Invalid filter", detail,
				List.of(new FieldViolation(ex.parameter(), ex.column() > 0 ? 1 : 0, ex.column(), ex.getMessage())));
	}

	private static boolean isTrue(MultiValueMap<String, String> parameters, String name) {
		String value = parameters.getFirst(name);
		if (value == null || value.equals("false")) {
			return false;
		}
		if (value.equals("true") || value.isEmpty()) {
			return true;
		}
		throw refused(new FilterRefused(name, 0, name + " must be true or false, not " + Quoted.of(value)));
	}

	private static int limit(MultiValueMap<String, String> parameters) {
		String text = parameters.getFirst("limit");
		if (text == null) {
			return DEFAULT_LIMIT;
		}
		int limit = -1;
		if (text.matches("[0-9]{1,7}")) {
			limit = Integer.parseInt(text);
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			throw refused(new FilterRefused("limit", 0, "limit must be a number 1.." + MAX_LIMIT + ", not "
					+ Quoted.of(text)));
		}
		return limit;
	}

	private static @Nullable FlowCursor cursor(MultiValueMap<String, String> parameters) {
		String text = parameters.getFirst("cursor");
		if (text == null || text.isEmpty()) {
			return null;
		}
		try {
			return FlowCursor.parse(text);
		}
		catch (FilterRefused ex) {
			throw refused(ex);
		}
	}

	@ExceptionHandler(StoreException.NotFound.class)
	ResponseEntity<ProblemDetail> notFound(StoreException.NotFound ex, ServerWebExchange exchange) {
		return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage()).response(exchange);
	}


}
