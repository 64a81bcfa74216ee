package dev.portcullis.flow;

import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.Quoted;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /api/v1/workspaces/{workspace}/flows}: uploads Hubble flows as NDJSON ({@code hubble observe -o json},
 * the exporter's files; {@code Content-Encoding: gzip} accepted), streamed into the workspace's flow log in
 * constant memory up to {@code portcullis.flows.max-upload-size} (the in-memory body limit does not apply). Answers
 * {@link IngestReport} once the flows are committed. Authors upload (writing the flow log changes what replays and
 * recommendations see, as an inventory import does). See {@code openapi/flows.yaml}.
 */
@RestController
class FlowUploadApiController {

	static final String NDJSON = "application/x-ndjson";

	private final FlowIngest ingest;

	private final Permissions permissions;

	FlowUploadApiController(FlowIngest ingest, Permissions permissions) {
		this.ingest = ingest;
		this.permissions = permissions;
	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/flows",
			consumes = { NDJSON, "application/jsonl", "application/json-lines", "application/json" },
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<IngestReport> upload(@PathVariable String workspace, ServerWebExchange exchange) {
		String encoding = exchange.getRequest().getHeaders().getFirst(HttpHeaders.CONTENT_ENCODING);
		boolean gzip;
		if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
			gzip = false;
		}
		else if (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip")) {
			gzip = true;
		}
		else {
			return Mono.error(ApiProblem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-encoding",
					"Unsupported content encoding", "Content-Encoding " + Quoted.of(encoding)
							+ " is not supported: send the NDJSON as it is or gzip-compressed (Content-Encoding: gzip)."));
		}
		return Actor.current(exchange).flatMap((actor) -> {
			if (!actor.has(Role.AUTHOR)) {
				return this.permissions.refuse(actor, Role.AUTHOR, "flow.ingest");
			}
			return this.ingest.ingest(workspace, exchange.getRequest().getBody(), gzip, Source.UPLOAD, actor,
					actor.address())
				.switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found",
						"No workspace named " + Quoted.of(workspace) + ".")));
		});
	}

}
