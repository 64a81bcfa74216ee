package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.RequestBodyLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /api/v1/workspaces/{workspace}/matrix} (extension): the connectivity matrix of rows (sources) by
 * columns (destinations) by ports, against a state and optionally a second one ({@link ConnectivityMatrix}).
 */
@RestController
class MatrixController {

	private static final Set<String> MEMBERS = Set.of("rows", "columns", "ports", "at", "draft", "compare");

	private final ConnectivityMatrix matrix;

	private final JsonMapper json;

	MatrixController(ConnectivityMatrix matrix, JsonMapper json) {
		this.matrix = matrix;
		this.json = json;
	}

	/** The answer. */
	record MatrixView(StateUsed state, @JsonProperty("compare_state") @JsonInclude(JsonInclude.Include.NON_NULL)
			@Nullable StateUsed compareState, List<EndpointView> rows, List<EndpointView> columns,
			List<ConnectivityMatrix.Port> ports, List<CellView> cells, int changed) {
	}

	/** An endpoint as given, with a short text for people. */
	record EndpointView(String label, Map<String, Object> endpoint) {

		static EndpointView of(Traffic.Endpoint endpoint) {
			return new EndpointView(endpoint.describe(), endpoint.toJson());
		}

	}

	/** One cell. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record CellView(int row, int column, int port, Decision.Verdict verdict,
			@JsonProperty("denied_at") @Nullable Direction deniedAt, Decision.@Nullable Verdict compare,
			boolean changed) {
	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/matrix", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<MatrixView> matrix(@PathVariable String workspace, ServerWebExchange exchange) {
		return RequestBodyLimits.text(exchange).flatMap((text) -> {
			JsonNode body = JsonBodies.object(this.json, text, false, MEMBERS);
			List<FieldViolation> problems = new ArrayList<>();
			StateRequest state = StateRequest.read(body, problems);
			List<Traffic.Endpoint> rows = endpoints(body.get("rows"), "rows", true, problems);
			List<Traffic.Endpoint> columns = endpoints(body.get("columns"), "columns", false, problems);
			List<ConnectivityMatrix.Port> ports = ports(body.get("ports"), problems);
			if (!problems.isEmpty()) {
				return Mono.error(problems.stream().anyMatch((p) -> p.path().startsWith("rows")
						|| p.path().startsWith("columns") || p.path().startsWith("ports"))
						? new TrafficRefused(problems) : JsonBodies.invalid(problems));
			}
			return this.matrix.matrix(workspace, state.state(), state.compare(), rows, columns, ports);
		})
			.map((m) -> new MatrixView(m.state(), m.compareState(), m.rows().stream().map(EndpointView::of).toList(),
					m.columns().stream().map(EndpointView::of).toList(), m.ports(),
					m.cells().stream().map((c) -> new CellView(c.row(), c.column(), c.port(), c.verdict(), c.deniedAt(),
							c.compare(), c.changed())).toList(), m.changed()))
			.onErrorMap(StoreException.NotFound.class, WorkspaceEvaluateController::notFound);
	}

	private static List<Traffic.Endpoint> endpoints(@Nullable JsonNode node, String field, boolean source,
			List<FieldViolation> problems) {
		List<Traffic.Endpoint> endpoints = new ArrayList<>();
		if (node == null || !node.isArray() || node.isEmpty()) {
			problems.add(FieldViolation.named(field, "must be a non-empty array of endpoints ({pod: {namespace, labels}},"
					+ " {namespace}, {entity}, {ip}" + (source ? "" : ", {fqdn}") + ")"));
			return endpoints;
		}
		if (node.size() > ConnectivityMatrix.MAX_ENDPOINTS) {
			problems.add(FieldViolation.named(field, "has " + node.size() + " endpoints; at most "
					+ ConnectivityMatrix.MAX_ENDPOINTS + " are allowed"));
			return endpoints;
		}
		for (int i = 0; i < node.size(); i++) {
			Traffic.Reading reading = Traffic.readEndpoint(JsonNodes.of(node.get(i)), field + "[" + i + "]", source);
			problems.addAll(reading.violations());
			if (reading.traffic() != null) {
				endpoints.add(reading.traffic().from());
			}
		}
		return endpoints;
	}

	private static List<ConnectivityMatrix.Port> ports(@Nullable JsonNode node, List<FieldViolation> problems) {
		List<ConnectivityMatrix.Port> ports = new ArrayList<>();
		if (node == null || !node.isArray() || node.isEmpty() || node.size() > ConnectivityMatrix.MAX_PORTS) {
			problems.add(FieldViolation.named("ports", "must be an array of 1 to " + ConnectivityMatrix.MAX_PORTS
					+ " ports {port: 80, protocol: TCP}"));
			return ports;
		}
		for (int i = 0; i < node.size(); i++) {
			JsonNode item = node.get(i);
			String at = "ports[" + i + "]";
			JsonNode port = item.isObject() ? item.get("port") : item;
			JsonNode protocol = item.isObject() ? item.get("protocol") : null;
			if (port == null || !port.isIntegralNumber() || port.asLong() < 0 || port.asLong() > 65535) {
				problems.add(FieldViolation.named(at + ".port", "must be a number from 0 to 65535"));
				continue;
			}
			Protocol p = Protocol.TCP;
			if (protocol != null && !protocol.isNull()) {
				String text = protocol.isString() ? protocol.asString().toUpperCase(Locale.ROOT) : "";
				if (!Set.of("TCP", "UDP", "SCTP").contains(text)) {
					problems.add(FieldViolation.named(at + ".protocol", "must be TCP, UDP or SCTP"));
					continue;
				}
				p = Protocol.valueOf(text);
			}
			ports.add(new ConnectivityMatrix.Port(port.asInt(), p));
		}
		return ports;
	}

}
