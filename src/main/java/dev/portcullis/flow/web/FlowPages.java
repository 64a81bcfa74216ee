package dev.portcullis.flow.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.flow.query.FilterRefused;
import dev.portcullis.flow.query.FilterTerm;
import dev.portcullis.flow.query.Flag;
import dev.portcullis.flow.query.FlowCursor;
import dev.portcullis.flow.query.FlowDecisions;
import dev.portcullis.flow.query.FlowEdges;
import dev.portcullis.flow.query.FlowFacts;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.flow.query.FlowGaps;
import dev.portcullis.flow.query.FlowReads;
import dev.portcullis.flow.query.FlowSummary;
import dev.portcullis.flow.query.StoredRow;
import dev.portcullis.flow.query.TimeBound;
import dev.portcullis.hubble.FlowReader;
import dev.portcullis.policy.StoreException;
import dev.portcullis.simulation.web.WhatIfLink;
import dev.portcullis.web.Htmx;
import dev.portcullis.web.PageError;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;

/**
 * The flow log's pages: {@code /workspaces/{ws}/flows} (the table: filters as a {@code hubble observe} flag line
 * and chips, hide-noise switches, keyset paging with an "older" button, live tail, exports),
 * {@code .../flows/detail?flow=} (one flow: every field, labels that become filters, the raw JSON, why it was
 * decided under the policies then and now, links to draft a rule) and {@code .../flows/map} (the service map).
 * A filter that cannot be read is shown inline with the table empty, never as an error page.
 */
@Controller
class FlowPages {

	static final int PAGE = 50;

	private final FlowReads reads;

	private final FlowDecisions decisions;

	private static final java.time.format.DateTimeFormatter MINUTE = java.time.format.DateTimeFormatter
		.ofPattern("yyyy-MM-dd HH:mm")
		.withZone(java.time.ZoneOffset.UTC);

	private final FlowEdges edges;

	private final FlowGaps gaps;

	private final JsonMapper json;

	private final JsonMapper pretty;

	FlowPages(FlowReads reads, FlowDecisions decisions, FlowEdges edges, FlowGaps gaps, JsonMapper json) {
		this.reads = reads;
		this.decisions = decisions;
		this.edges = edges;
		this.gaps = gaps;
		this.json = json;
		this.pretty = json.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();
	}

	/**
	 * A filter chip: the flag as text ({@code verdict DROPPED}, {@code since 1h}, {@code hiding app=noisy} for a
	 * hidden label selector) and the page without it.
	 */
	record Chip(String text, String removeHref) {
	}

	/** A hide-noise switch. */
	record Toggle(String value, String label, boolean on) {
	}

	@GetMapping("/workspaces/{workspace}/flows")
	Mono<Rendering> page(@PathVariable String workspace, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>(exchange.getRequest().getQueryParams());
		String cursorText = parameters.getFirst("cursor");
		parameters.remove("cursor");
		FlowFilter filter;
		String problem = null;
		try {
			filter = FlowFilter.fromParameters(parameters);
		}
		catch (FilterRefused ex) {
			filter = FlowFilter.ALL;
			problem = ex.getMessage();
		}
		FlowCursor cursor = null;
		if (cursorText != null && !cursorText.isEmpty()) {
			try {
				cursor = FlowCursor.parse(cursorText);
			}
			catch (FilterRefused ex) {
				problem = ex.getMessage();
			}
		}
		boolean more = cursor != null && Htmx.isPartial(exchange);
		FlowFilter shown = filter;
		String error = problem;
		String base = "/workspaces/" + workspace + "/flows";
		String query = filter.toQueryString();
		Mono<FlowReads.Page> page = (problem != null) ? Mono.just(new FlowReads.Page(List.of(), null))
				: this.reads.page(workspace, filter, cursor, PAGE);
		return page
			.flatMap((found) -> Mono.zip(this.decisions.decide(workspace, found.flows()), gaps(workspace, found, more))
				.map((both) -> {
					var decided = both.getT1();
					List<FlowGaps.Gap> lost = both.getT2();
					List<FlowRowView> rows = new ArrayList<>();
					for (StoredRow row : found.flows()) {
						rows.add(FlowRowView.of(row, decided.get(row.id())));
					}
					String olderHref = (found.next() != null)
							? base + "?" + (query.isEmpty() ? "" : query + "&") + "cursor=" + found.next().token() : null;
					Rendering.Builder<?> view = Rendering.view(more ? "flows/list :: more" : "flows/list")
						.modelAttribute("workspace", workspace)
						.modelAttribute("rows", rows)
						.modelAttribute("olderHref", olderHref)
						.modelAttribute("query", query)
						.modelAttribute("line", shown.toFlagLine())
						.modelAttribute("command", shown.toCommand())
						.modelAttribute("commandLeavesOutHide", shown.commandLeavesOutHide())
						.modelAttribute("chips", chips(base, shown))
						.modelAttribute("gaps", lost.stream().map(FlowPages::gapText).toList())
						.modelAttribute("toggles", toggles(shown))
						.modelAttribute("hideLabels", hideLabels(parameters))
						.modelAttribute("error", error)
						.modelAttribute("paged", parameters.containsKey("cursor") || cursorText != null)
						.modelAttribute("streamUrl", "/api/v1/workspaces/" + workspace + "/flows?follow=true"
								+ (query.isEmpty() ? "" : "&" + query))
						.modelAttribute("ndjsonHref", "/api/v1/workspaces/" + workspace + "/flows?format=ndjson"
								+ (query.isEmpty() ? "" : "&" + query))
						.modelAttribute("csvHref", "/api/v1/workspaces/" + workspace + "/flows?format=csv"
								+ (query.isEmpty() ? "" : "&" + query));
					if (error != null) {
						view.status(HttpStatus.BAD_REQUEST);
					}
					return view.build();
				}))
			.onErrorMap(StoreException.NotFound.class, (ex) -> new PageError(HttpStatus.NOT_FOUND,
					"There is no such workspace."));
	}

	/**
	 * The nodes that lost events in the minutes the first page's flows span (none for the older pages, which the
	 * first page's notice already covers in part, and none without flows).
	 */
	private Mono<List<FlowGaps.Gap>> gaps(String workspace, FlowReads.Page found, boolean more) {
		if (more || found.flows().isEmpty()) {
			return Mono.just(List.of());
		}
		List<StoredRow> rows = found.flows();
		Instant oldest = rows.stream().map(StoredRow::time).min(Instant::compareTo).orElseThrow();
		Instant newest = rows.stream().map(StoredRow::time).max(Instant::compareTo).orElseThrow();
		return this.gaps.between(workspace, oldest, newest);
	}

	/**
	 * The map of the hour up to the workspace's newest flow, when that flow is older than {@code since} (an upload
	 * of an old export: the default window, the last hour, is then empty); empty when there is none.
	 */
	private Mono<String> newestWindow(String workspace, Instant since) {
		return this.reads.page(workspace, FlowFilter.ALL, null, 1)
			.flatMap((page) -> page.flows().isEmpty() ? Mono.empty() : Mono.just(page.flows().get(0).time()))
			.filter((newest) -> newest.isBefore(since))
			.map((newest) -> {
				Instant until = newest.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
				return "/workspaces/" + UriUtils.encodePathSegment(workspace, StandardCharsets.UTF_8)
						+ "/flows/map?since=" + until.minusSeconds(3600) + "&until=" + until;
			});
	}

	/** "n1: 42 events lost at 2021-11-10 10:41 UTC" (or "from ... to ..." over several minutes). */
	static String gapText(FlowGaps.Gap gap) {
		String first = MINUTE.format(gap.first());
		String when = gap.first().equals(gap.last()) ? "at " + first + " UTC"
				: "from " + first + " to " + MINUTE.format(gap.last()) + " UTC";
		return gap.node() + ": " + String.format(java.util.Locale.ROOT, "%,d", gap.lost())
				+ (gap.lost() == 1 ? " event" : " events") + " lost " + when;
	}

	private static List<Chip> chips(String base, FlowFilter filter) {
		List<Chip> chips = new ArrayList<>();
		for (int i = 0; i < filter.terms().size(); i++) {
			FilterTerm term = filter.terms().get(i);
			String text = (term.negated() ? "not " : "") + term.flag().flag() + " " + term.value();
			String rest = filter.without(i).toQueryString();
			chips.add(new Chip(text, base + (rest.isEmpty() ? "" : "?" + rest)));
		}
		if (filter.since() != null) {
			String rest = new FlowFilter(filter.terms(), null, filter.until(), filter.hide(), filter.hideLabels()).toQueryString();
			chips.add(new Chip("since " + filter.since().text(), base + (rest.isEmpty() ? "" : "?" + rest)));
		}
		if (filter.until() != null) {
			String rest = new FlowFilter(filter.terms(), filter.since(), null, filter.hide(), filter.hideLabels()).toQueryString();
			chips.add(new Chip("until " + filter.until().text(), base + (rest.isEmpty() ? "" : "?" + rest)));
		}
		for (int i = 0; i < filter.hideLabels().size(); i++) {
			String rest = filter.withoutHideLabel(i).toQueryString();
			chips.add(new Chip("hiding " + filter.hideLabels().get(i).text(), base + (rest.isEmpty() ? "" : "?" + rest)));
		}
		return chips;
	}

	/** The hidden label selectors as given (a refused one is shown back with the error); one empty field if none. */
	private static List<String> hideLabels(Map<String, List<String>> parameters) {
		List<String> given = parameters.getOrDefault("hide_label", List.of()).stream()
			.filter((value) -> !value.isBlank())
			.map(String::strip)
			.toList();
		return given.isEmpty() ? List.of("") : given;
	}

	private static List<Toggle> toggles(FlowFilter filter) {
		return List.of(new Toggle("host", "Host", filter.hide().contains(FlowFilter.Noise.HOST)),
				new Toggle("kube-dns", "kube-dns", filter.hide().contains(FlowFilter.Noise.KUBE_DNS)),
				new Toggle("remote-node", "Remote nodes", filter.hide().contains(FlowFilter.Noise.REMOTE_NODE)));
	}

	/** A label of the detail panel and the page filtered by it. */
	record LabelLink(String label, String href) {
	}

	/** One field of the detail panel. */
	record Field(String name, String value) {
	}

	@GetMapping("/workspaces/{workspace}/flows/detail")
	Mono<Rendering> detail(@PathVariable String workspace, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>(exchange.getRequest().getQueryParams());
		String token = parameters.getFirst("flow");
		parameters.remove("flow");
		FlowFilter filter;
		try {
			filter = FlowFilter.fromParameters(parameters);
		}
		catch (FilterRefused ex) {
			filter = FlowFilter.ALL;
		}
		FlowCursor cursor;
		try {
			cursor = FlowCursor.parse((token != null) ? token : "");
		}
		catch (FilterRefused ex) {
			return Mono.error(new PageError(HttpStatus.NOT_FOUND, "There is no such flow."));
		}
		FlowFilter current = filter;
		String base = "/workspaces/" + workspace + "/flows";
		return this.reads.one(workspace, cursor)
			.switchIfEmpty(Mono.error(() -> new PageError(HttpStatus.NOT_FOUND, "There is no such flow: it may have "
					+ "been removed by retention.")))
			.flatMap((row) -> Mono.zip(this.decisions.explain(workspace, row, row.time()),
					this.decisions.explain(workspace, row, null)).map((decided) -> {
						FlowFacts facts = row.facts();
						JsonNode tree = this.json.readTree(row.json());
						return Rendering.view(Htmx.isPartial(exchange) ? "flows/detail :: panel" : "flows/detail")
							.modelAttribute("workspace", workspace)
							.modelAttribute("token", cursor.token())
							.modelAttribute("time", row.time().toString())
							.modelAttribute("summary", FlowSummary.of(facts))
							.modelAttribute("fields", fields(tree, "", new ArrayList<>()))
							.modelAttribute("sourceLabels", labels(base, current, Flag.FROM_LABEL, facts.source().labels()))
							.modelAttribute("destinationLabels",
									labels(base, current, Flag.TO_LABEL, facts.destination().labels()))
							.modelAttribute("raw", this.pretty.writeValueAsString(tree))
							.modelAttribute("then", decided.getT1())
							.modelAttribute("now", decided.getT2())
							.modelAttribute("backHref", base + (current.toQueryString().isEmpty() ? ""
									: "?" + current.toQueryString()))
							.modelAttribute("whatIfHref", whatIfHref(workspace, row, tree))
							.modelAttribute("reply", isReply(row))
							.modelAttribute("ndjsonHref", "/api/v1/workspaces/" + workspace + "/flows?format=ndjson"
									+ (current.toQueryString().isEmpty() ? "" : "&" + current.toQueryString()))
							.modelAttribute("csvHref", "/api/v1/workspaces/" + workspace + "/flows?format=csv"
									+ (current.toQueryString().isEmpty() ? "" : "&" + current.toQueryString()))
							.build();
					}))
			.onErrorMap(StoreException.NotFound.class, (ex) -> new PageError(HttpStatus.NOT_FOUND,
					"There is no such workspace."));
	}

	/**
	 * The what-if page filled with the flow's traffic; the empty what-if page when the stored flow cannot be read as
	 * one (its decision then says why). A reply ({@code is_reply}, or an L7 response) is never decided by policy: the
	 * page gets the connection it answers instead, from its destination to its source's port (the server's), since
	 * that is what a rule has to allow; a reply without a source port keeps its own direction.
	 */
	private static String whatIfHref(String workspace, StoredRow row, JsonNode tree) {
		Flow flow = read(row);
		if (flow == null) {
			return "/workspaces/" + UriUtils.encodePathSegment(workspace, StandardCharsets.UTF_8) + "/what-if";
		}
		int serverPort = sourcePort(tree);
		if (flow.reply() && serverPort > 0) {
			flow = new Flow(flow.destination(), flow.source(), flow.destinationIp(), flow.sourceIp(), flow.protocol(),
					serverPort, flow.icmpType(), flow.l7(), List.of(), flow.tlsServerName(), false, flow.nodeLabels(),
					null);
		}
		return WhatIfLink.of(workspace, flow);
	}

	private static boolean isReply(StoredRow row) {
		Flow flow = read(row);
		return flow != null && flow.reply();
	}

	private static @Nullable Flow read(StoredRow row) {
		try {
			FlowParseResult read = new FlowReader().read(row.json(), 0);
			return read.flows().isEmpty() ? null : read.flows().get(0).flow();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** {@code l4.<TCP|UDP|SCTP>.source_port} of a stored flow (with or without the {@code flow} wrapper), or 0. */
	private static int sourcePort(JsonNode tree) {
		JsonNode l4 = (tree.has("flow") ? tree.get("flow") : tree).path("l4");
		for (String protocol : List.of("TCP", "UDP", "SCTP")) {
			JsonNode port = l4.path(protocol).path("source_port");
			if (port.isNumber()) {
				return port.asInt();
			}
		}
		return 0;
	}

	private static List<LabelLink> labels(String base, FlowFilter filter, Flag flag, List<String> labels) {
		List<LabelLink> links = new ArrayList<>();
		for (String label : labels) {
			String href;
			try {
				String query = filter.with(flag, label, false).toQueryString();
				href = base + "?" + query;
			}
			catch (FilterRefused ex) {
				// a label Hubble wrote that is not a selector, or a filter that cannot take one more label
				String query = new FlowFilter(List.of(), filter.since(), filter.until(), filter.hide(), filter.hideLabels())
					.toQueryString();
				href = null;
				try {
					href = base + "?" + FlowFilter.ALL.with(flag, label, false).toQueryString()
							+ (query.isEmpty() ? "" : "&" + query);
				}
				catch (FilterRefused again) {
					// not a selector: no link
				}
			}
			links.add(new LabelLink(label, href));
		}
		return links;
	}

	/** Every leaf of the flow's JSON as a dotted path and its text, in document order. */
	private static List<Field> fields(JsonNode node, String path, List<Field> into) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> member : node.properties()) {
				fields(member.getValue(), path.isEmpty() ? member.getKey() : path + "." + member.getKey(), into);
			}
		}
		else if (node.isArray()) {
			boolean scalars = true;
			for (JsonNode item : node) {
				scalars &= !item.isContainer();
			}
			if (scalars) {
				List<String> values = new ArrayList<>();
				node.forEach((item) -> values.add(item.asString()));
				into.add(new Field(path, String.join(", ", values)));
			}
			else {
				for (int i = 0; i < node.size(); i++) {
					fields(node.get(i), path + "[" + i + "]", into);
				}
			}
		}
		else {
			into.add(new Field(path, node.isNull() ? "null" : node.asString()));
		}
		return into;
	}

	/** A node of the service map. */
	record MapNode(String name, int x, int y) {
	}

	/** An edge of the service map, drawn from a source node to a destination node. */
	record MapEdge(MapNode from, MapNode to, String verdictClass, String title, int width) {
	}

	@GetMapping("/workspaces/{workspace}/flows/map")
	Mono<Rendering> map(@PathVariable String workspace, ServerWebExchange exchange) {
		MultiValueMap<String, String> parameters = exchange.getRequest().getQueryParams();
		String sinceText = parameters.getFirst("since");
		String untilText = parameters.getFirst("until");
		Instant now = Instant.now();
		Instant since;
		Instant until;
		String error = null;
		try {
			since = TimeBound.parse((sinceText != null && !sinceText.isBlank()) ? sinceText : "1h").resolve(now);
			until = TimeBound.parse((untilText != null && !untilText.isBlank()) ? untilText : "0s").resolve(now);
		}
		catch (IllegalArgumentException ex) {
			error = "The window " + ex.getMessage() + ".";
			since = now.minusSeconds(3600);
			until = now;
		}
		String problem = error;
		Instant from = since;
		Instant to = until;
		return this.edges.between(workspace, since, until, 200).collectList()
			.flatMap((found) -> (found.isEmpty() && problem == null) ? newestWindow(workspace, from)
				.map((href) -> Map.entry(found, href)).defaultIfEmpty(Map.entry(found, ""))
					: Mono.just(Map.entry(found, "")))
			.map((entry) -> {
				List<FlowEdges.Edge> found = entry.getKey();
				Map<String, MapNode> sources = new LinkedHashMap<>();
				Map<String, MapNode> destinations = new LinkedHashMap<>();
				for (FlowEdges.Edge edge : found) {
					sources.putIfAbsent(edge.source(), null);
					destinations.putIfAbsent(edge.destination(), null);
				}
				place(sources, 20);
				place(destinations, 540);
				long max = found.stream().mapToLong(FlowEdges.Edge::count).max().orElse(1);
				List<MapEdge> lines = new ArrayList<>();
				for (FlowEdges.Edge edge : found) {
					String verdict = switch (edge.verdict()) {
						case "DROPPED", "ERROR" -> "verdict-dropped";
						case "AUDIT" -> "verdict-audit";
						default -> "verdict-forwarded";
					};
					int width = 1 + (int) Math.round(5.0 * Math.log1p(edge.count()) / Math.log1p(max));
					lines.add(new MapEdge(sources.get(edge.source()), destinations.get(edge.destination()), verdict,
							edge.source() + " → " + edge.destination() + " " + ((edge.port() > 0) ? edge.port() + "/" : "")
									+ edge.protocol() + " " + edge.verdict() + ": " + edge.count(), width));
				}
				int height = 40 + 28 * Math.max(Math.max(sources.size(), destinations.size()), 1);
				return Rendering.view("flows/map")
					.modelAttribute("workspace", workspace)
					.modelAttribute("since", (sinceText != null) ? sinceText : "1h")
					.modelAttribute("until", (untilText != null) ? untilText : "")
					.modelAttribute("from", from.toString())
					.modelAttribute("to", to.toString())
					.modelAttribute("error", problem)
					.modelAttribute("edges", found)
					.modelAttribute("sources", List.copyOf(sources.values()))
					.modelAttribute("destinations", List.copyOf(destinations.values()))
					.modelAttribute("lines", lines)
					.modelAttribute("height", height)
					.modelAttribute("viewBox", "0 0 800 " + height)
					.modelAttribute("newestHref", entry.getValue())
					.build();
			})
			.onErrorMap(StoreException.NotFound.class, (ex) -> new PageError(HttpStatus.NOT_FOUND,
				"There is no such workspace."));
	}

	private static void place(Map<String, MapNode> nodes, int x) {
		int i = 0;
		for (String name : new ArrayList<>(nodes.keySet())) {
			nodes.put(name, new MapNode(name, x, 40 + 28 * i++));
		}
	}


}
