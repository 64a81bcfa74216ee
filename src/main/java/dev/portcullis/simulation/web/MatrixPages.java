package dev.portcullis.simulation.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.simulation.ConnectivityMatrix;
import dev.portcullis.simulation.DraftRefused;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.simulation.Traffic;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * The connectivity matrix ({@code /workspaces/{ws}/matrix}): workloads as rows (sources) and columns
 * (destinations), ports, and for each cell whether the latest policies allow it, and with a draft whether the draft
 * changes it (changed cells highlighted). Each cell links to the what-if page for that traffic, which explains it.
 * GET with the parameters reproduces a matrix; POST takes the same fields (a long draft).
 */
@Controller
class MatrixPages {

	/** The most cells one matrix decides (rows x columns x ports). */
	static final int MAX_CELLS = 20_000;

	private final ConnectivityMatrix matrix;

	private final SimulationPages pages;

	MatrixPages(ConnectivityMatrix matrix, SimulationPages pages) {
		this.matrix = matrix;
		this.pages = pages;
	}

	/**
	 * The matrix form.
	 *
	 * @param rows sources, one a line: {@code namespace: key=value, ...}, {@code namespace:} (any pod of it),
	 *        {@code entity: world}, {@code ip: 203.0.113.7}
	 * @param columns destinations, the same, and {@code fqdn: api.example.com}
	 * @param ports {@code 80, 443, 53/UDP}
	 * @param draft policy text to compare with the latest versions, "" for none
	 */
	record MatrixForm(String rows, String columns, String ports, String draft) {

		MatrixForm {
			rows = (rows != null) ? rows.replace("\r\n", "\n").strip() : "";
			columns = (columns != null) ? columns.replace("\r\n", "\n").strip() : "";
			ports = (ports != null) ? ports.strip() : "";
			draft = (draft != null) ? draft.replace("\r\n", "\n") : "";
		}

		public boolean isSubmitted() {
			return !this.rows.isEmpty() || !this.columns.isEmpty() || !this.ports.isEmpty();
		}

	}

	/** One workload line read: the endpoint, and the what-if parameters that describe it. */
	record Workload(String label, Traffic.Endpoint endpoint, Map<String, String> parameters) {
	}

	/** A port and protocol. */
	record Port(int port, Protocol protocol) {

		public String label() {
			return this.port + "/" + this.protocol.name();
		}

	}

	/**
	 * One cell.
	 *
	 * @param allowed whether the latest versions let it through
	 * @param draftAllowed whether the draft does (null without a draft)
	 * @param changed whether the draft changes the verdict
	 * @param href the what-if page for this traffic
	 * @param title a tooltip: the verdict, and where and why it dropped
	 */
	record Cell(boolean allowed, @Nullable Boolean draftAllowed, boolean changed, String href, String title) {

		public String text() {
			String now = this.allowed ? "allowed" : "denied";
			if (this.draftAllowed == null) {
				return now;
			}
			return this.changed ? now + " → " + (this.draftAllowed ? "allowed" : "denied") : now;
		}

		public String cssClass() {
			boolean shown = (this.draftAllowed != null) ? this.draftAllowed : this.allowed;
			return (shown ? "cell-allowed" : "cell-denied") + (this.changed ? " cell-changed" : "");
		}

	}

	/** A row of the table: the source and its cells, column by column, port by port. */
	record Row(Workload source, List<Cell> cells) {
	}

	/** The decided matrix. */
	record Matrix(List<Workload> columns, List<Port> ports, List<Row> rows, int changed, boolean withDraft) {
	}

	@GetMapping("/workspaces/{workspace}/matrix")
	Mono<Rendering> page(@PathVariable String workspace, @ModelAttribute MatrixForm form, ServerWebExchange exchange) {
		return render(workspace, form, exchange);
	}

	@PostMapping("/workspaces/{workspace}/matrix")
	Mono<Rendering> post(@PathVariable String workspace, @ModelAttribute MatrixForm form, ServerWebExchange exchange) {
		return render(workspace, form, exchange);
	}

	private Mono<Rendering> render(String workspace, MatrixForm form, ServerWebExchange exchange) {
		Map<String, String> errors = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
		return this.pages.formPage(exchange, workspace, "matrix", form, form.isSubmitted(), errors,
				() -> matrix(workspace, form, errors));
	}

	private Mono<Optional<Matrix>> matrix(String workspace, MatrixForm form, Map<String, String> errors) {
		List<Workload> rows = workloads(form.rows(), "rows", true, errors);
		List<Workload> columns = workloads(form.columns(), "columns", false, errors);
		List<Port> ports = ports(form.ports(), errors);
		if (errors.isEmpty() && (long) rows.size() * columns.size() * ports.size() > MAX_CELLS) {
			errors.put("rows", "At most " + MAX_CELLS + " cells (rows x columns x ports) at once; this is "
					+ ((long) rows.size() * columns.size() * ports.size()) + ".");
		}
		if (!errors.isEmpty()) {
			return Mono.just(Optional.empty());
		}
		boolean withDraft = !form.draft().isBlank();
		return this.matrix.decide(workspace, StateChoice.LATEST, withDraft ? StateChoice.draft(form.draft()) : null,
				rows.stream().map(Workload::endpoint).toList(), columns.stream().map(Workload::endpoint).toList(),
				ports.stream().map((port) -> new ConnectivityMatrix.Port(port.port(), port.protocol())).toList())
			.map((decided) -> {
				// no explanations: a cell links to the what-if page, which explains it (and 7,500 explanations cost)
				List<Decision> now = decided.first();
				List<Decision> then = decided.compared();
				List<Row> table = new ArrayList<>(rows.size());
				int index = 0;
				int changed = 0;
				for (Workload row : rows) {
					List<Cell> cells = new ArrayList<>(columns.size() * ports.size());
					for (Workload column : columns) {
						for (Port port : ports) {
							Decision decision = now.get(index);
							Boolean draftAllowed = (then != null) ? then.get(index).allowed() : null;
							boolean differs = draftAllowed != null && draftAllowed != decision.allowed();
							changed += differs ? 1 : 0;
							cells.add(new Cell(decision.allowed(), draftAllowed, differs,
									// only a changed cell's link carries the draft (an unchanged one is explained by the latest)
									whatIf(workspace, row, column, port, differs ? form.draft() : ""),
									title(decision)));
							index++;
						}
					}
					table.add(new Row(row, cells));
				}
				return Optional.of(new Matrix(columns, ports, table, changed, withDraft));
			})
			.onErrorResume(DraftRefused.class, (ex) -> {
				dev.portcullis.engine.doc.Violation first = ex.errors().get(0);
				errors.put("draft", "The draft is not valid" + ((first.line() > 0)
						? " (line " + first.line() + ", column " + first.column() + ")" : "") + ": " + first.message());
				return Mono.just(Optional.empty());
			})
			.onErrorResume(EngineBusy.class, (ex) -> {
				errors.put("rows", "The engine is busy; try again in " + ex.retryAfterSeconds() + " s.");
				return Mono.just(Optional.empty());
			});
	}

	/** A cell's tooltip: the verdict and, for a drop, where and why. */
	private static String title(Decision decision) {
		if (decision.allowed()) {
			return decision.verdict().name();
		}
		Decision.DropReason reason = decision.dropReason();
		return "DROPPED" + ((decision.deniedAt() != null) ? " at " + decision.deniedAt().name().toLowerCase(Locale.ROOT)
				: "") + ((reason != null) ? " (" + reason.name() + ")" : "");
	}

	/** The what-if page for one cell, with the draft compared when it fits in a link. */
	private static String whatIf(String workspace, Workload row, Workload column, Port port, String draft) {
		Map<String, String> parameters = new LinkedHashMap<>();
		row.parameters().forEach((k, v) -> parameters.put("from" + k, v));
		column.parameters().forEach((k, v) -> parameters.put("to" + k, v));
		parameters.put("protocol", port.protocol().name());
		parameters.put("port", Integer.toString(port.port()));
		parameters.put("state", "latest");
		String base = SimulationPages.wsHref(workspace) + "/what-if";
		if (!draft.isBlank()) {
			Map<String, String> withDraft = new LinkedHashMap<>(parameters);
			withDraft.put("compare", "draft");
			withDraft.put("compareDraft", draft);
			String link = SimulationPages.link(base, withDraft);
			if (link.length() <= TrafficForm.MAX_LINK_LENGTH) {
				return link;
			}
		}
		return SimulationPages.link(base, parameters);
	}

	/** Reads workload lines; problems go to {@code errors} under {@code field}, naming the line. */
	static List<Workload> workloads(String text, String field, boolean source, Map<String, String> errors) {
		List<Workload> workloads = new ArrayList<>();
		String[] lines = text.split("\n");
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].strip();
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			int colon = line.indexOf(':');
			String head = (colon < 0) ? line : line.substring(0, colon).strip();
			String rest = (colon < 0) ? "" : line.substring(colon + 1).strip();
			Map<String, String> parameters = new LinkedHashMap<>();
			Node node;
			switch (head.toLowerCase(Locale.ROOT)) {
				case "entity", "ip", "fqdn" -> {
					String kind = head.toLowerCase(Locale.ROOT);
					node = map(Map.of(kind, scalar(rest)));
					parameters.put("Kind", kind);
					parameters.put(kind.substring(0, 1).toUpperCase(Locale.ROOT) + kind.substring(1), rest);
				}
				default -> {
					if (rest.isEmpty() || rest.equals("(any pod)")) {
						node = map(Map.of("namespace", scalar(head)));
						parameters.put("Kind", "namespace");
						parameters.put("Namespace", head);
					}
					else {
						Map<String, String> problems = new LinkedHashMap<>();
						Map<String, Node> labels = TrafficFields.labels("", rest, problems);
						if (!problems.isEmpty()) {
							errors.putIfAbsent(field, "Line " + (i + 1) + ": " + problems.values().iterator().next());
							continue;
						}
						node = map(Map.of("pod", map(Map.of("namespace", scalar(head), "labels", map(labels)))));
						parameters.put("Kind", "pod");
						parameters.put("Namespace", head);
						parameters.put("Labels", rest);
					}
				}
			}
			Traffic.Reading reading = Traffic.readEndpoint(node, field + "[" + i + "]", source);
			if (!reading.isValid()) {
				FieldViolation violation = reading.violations().get(0);
				String message = violation.message();
				int cut = message.indexOf(": ");
				errors.putIfAbsent(field, "Line " + (i + 1) + " (" + Quoted.of(line) + "): "
						+ ((cut >= 0) ? message.substring(cut + 2) : message));
				continue;
			}
			workloads.add(new Workload(line, reading.traffic().from(), parameters));
		}
		if (workloads.isEmpty() && !errors.containsKey(field)) {
			errors.put(field, "Give at least one workload, one a line: default: app=web");
		}
		return workloads;
	}

	/** {@code 80, 443/TCP, 53/UDP}. */
	static List<Port> ports(String text, Map<String, String> errors) {
		List<Port> ports = new ArrayList<>();
		for (String piece : text.split("[,\\s]+")) {
			if (piece.isBlank()) {
				continue;
			}
			String[] parts = piece.split("/", 2);
			Protocol protocol = Protocol.TCP;
			if (parts.length == 2) {
				switch (parts[1].toUpperCase(Locale.ROOT)) {
					case "TCP" -> protocol = Protocol.TCP;
					case "UDP" -> protocol = Protocol.UDP;
					case "SCTP" -> protocol = Protocol.SCTP;
					default -> {
						errors.putIfAbsent("ports", Quoted.of(piece) + ": the protocol must be TCP, UDP or SCTP.");
						continue;
					}
				}
			}
			try {
				int port = Integer.parseInt(parts[0]);
				if (port < 0 || port > 65535) {
					throw new NumberFormatException();
				}
				ports.add(new Port(port, protocol));
			}
			catch (NumberFormatException ex) {
				errors.putIfAbsent("ports", Quoted.of(piece) + " is not a port: a number from 0 to 65535, "
						+ "optionally /TCP, /UDP or /SCTP.");
			}
		}
		if (ports.isEmpty() && !errors.containsKey("ports")) {
			errors.put("ports", "Give at least one port: 80, 443, 53/UDP");
		}
		return ports;
	}

	private static Node scalar(String value) {
		return new Node.ScalarNode(value, Node.ScalarType.STRING, Position.UNKNOWN);
	}

	private static Node map(Map<String, Node> entries) {
		return new Node.MapNode(entries, Map.of(), Position.UNKNOWN);
	}

}
