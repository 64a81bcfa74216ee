package dev.portcullis.policy.editor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.describe.PolicyGraph;
import dev.portcullis.engine.describe.PolicyGraph.GraphEdge;
import dev.portcullis.engine.describe.PolicyGraph.GraphNode;
import dev.portcullis.engine.describe.PolicyGraph.Role;

/**
 * Draws a {@link PolicyGraph} as a standalone SVG document: ingress peers on the left, the selected endpoints in
 * the middle, egress peers on the right (a side without peers takes no room); each edge carries its ports and L7 rules as a label next to its peer;
 * deny edges are red and dashed, allow edges grey and solid; a subject's default-deny directions are written
 * under its name and marked by a red bar on that side.
 * <p>
 * Safe to serve and to inline under the app's Content-Security-Policy ({@code style-src 'self'}, docs/adr/012):
 * no script, no {@code style} element or attribute (presentation attributes only), no external reference (the
 * only {@code url(#…)} are the arrowheads in its own {@code defs}), every text escaped for XML and stripped of
 * characters XML cannot hold. Long texts are cut with "…" and kept whole in a {@code title} (the tooltip). The root
 * carries {@code role="img"}, a {@code title} "Policy graph" and a {@code desc} with the text alternative.
 */
public final class GraphSvg {

	static final String TITLE = "Policy graph";

	private static final int MARGIN = 20;

	private static final int HEADER = 40;

	private static final int BOX_WIDTH = 300;

	private static final int GAP = 240;

	private static final int LINE = 14;

	private static final int PEER_HEIGHT = 36;

	private static final int SUBJECT_HEIGHT = 50;

	private static final int SPACING = 14;

	private static final int BOX_CHARS = 44;

	private static final int EDGE_CHARS = 34;

	private static final String ALLOW = "#475569";

	private static final String DENY = "#b91c1c";

	private GraphSvg() {
	}

	/**
	 * The SVG document.
	 * @param description the text alternative ({@code desc}): the summary a reader gets instead of the picture
	 */
	public static String render(PolicyGraph graph, String description) {
		List<GraphNode> left = new ArrayList<>();
		List<GraphNode> middle = new ArrayList<>();
		List<GraphNode> right = new ArrayList<>();
		for (GraphNode node : graph.nodes()) {
			(switch (node.role()) {
				case INGRESS_PEER -> left;
				case SUBJECT -> middle;
				case EGRESS_PEER -> right;
			}).add(node);
		}
		// each peer's edges, in order: their labels are stacked beside the peer
		Map<String, List<GraphEdge>> byPeer = new HashMap<>();
		for (GraphEdge edge : graph.edges()) {
			String peer = (edge.direction() == dev.portcullis.engine.api.Direction.INGRESS) ? edge.from() : edge.to();
			byPeer.computeIfAbsent(peer, (k) -> new ArrayList<>()).add(edge);
		}
		Map<String, Box> boxes = new HashMap<>();
		// a side without peers takes no room
		int leftX = MARGIN;
		int middleX = left.isEmpty() ? MARGIN : MARGIN + BOX_WIDTH + GAP;
		int rightX = middleX + BOX_WIDTH + GAP;
		int leftHeight = column(left, leftX, byPeer, boxes, false);
		int middleHeight = column(middle, middleX, byPeer, boxes, true);
		int rightHeight = column(right, rightX, byPeer, boxes, false);
		int height = Math.max(Math.max(leftHeight, middleHeight), Math.max(rightHeight, PEER_HEIGHT));
		// centre the shorter columns
		shift(left, boxes, (height - leftHeight) / 2);
		shift(middle, boxes, (height - middleHeight) / 2);
		shift(right, boxes, (height - rightHeight) / 2);
		int width = (right.isEmpty() ? middleX + BOX_WIDTH : rightX + BOX_WIDTH) + MARGIN;
		int totalHeight = HEADER + height + 2 * MARGIN;

		StringBuilder svg = new StringBuilder(4096 + graph.edges().size() * 400 + graph.nodes().size() * 400);
		svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"policy-graph-title\" aria-describedby=\"policy-graph-desc\"")
			.append(" class=\"policy-graph\" width=\"").append(width).append("\" height=\"").append(totalHeight)
			.append("\" viewBox=\"0 0 ").append(width).append(' ').append(totalHeight)
			.append("\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n");
		svg.append("<title id=\"policy-graph-title\">").append(TITLE).append("</title>\n");
		svg.append("<desc id=\"policy-graph-desc\">").append(escape(description)).append("</desc>\n");
		svg.append("<defs>");
		marker(svg, "policy-graph-allow", ALLOW);
		marker(svg, "policy-graph-deny", DENY);
		svg.append("</defs>\n");
		svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
		if (!left.isEmpty()) {
			heading(svg, leftX + BOX_WIDTH / 2, "Ingress from");
		}
		heading(svg, middleX + BOX_WIDTH / 2, "Selected endpoints");
		if (!right.isEmpty()) {
			heading(svg, rightX + BOX_WIDTH / 2, "Egress to");
		}
		if (graph.nodes().isEmpty()) {
			svg.append("<text x=\"").append(width / 2).append("\" y=\"").append(HEADER + MARGIN + 20)
				.append("\" text-anchor=\"middle\" fill=\"#475569\">No policy selects any endpoint.</text>\n");
		}
		for (GraphEdge edge : graph.edges()) {
			edge(svg, edge, boxes);
		}
		for (GraphNode node : graph.nodes()) {
			node(svg, node, boxes.get(node.id()));
		}
		svg.append("</svg>\n");
		return svg.toString();
	}

	/** Where a node is drawn, and the y of each of its edge labels. */
	private static final class Box {

		final int x;

		int y;

		final int height;

		final Map<GraphEdge, Integer> slots = new java.util.IdentityHashMap<>();

		Box(int x, int y, int height) {
			this.x = x;
			this.y = y;
			this.height = height;
		}

		int centre() {
			return this.y + this.height / 2;
		}

	}

	private static int column(List<GraphNode> nodes, int x, Map<String, List<GraphEdge>> byPeer, Map<String, Box> boxes,
			boolean subjects) {
		int y = 0;
		for (GraphNode node : nodes) {
			List<GraphEdge> edges = byPeer.getOrDefault(node.id(), List.of());
			int height = subjects ? SUBJECT_HEIGHT : Math.max(PEER_HEIGHT, edges.size() * LINE + 10);
			Box box = new Box(x, y, height);
			for (int i = 0; i < edges.size(); i++) {
				box.slots.put(edges.get(i), i);
			}
			boxes.put(node.id(), box);
			y += height + SPACING;
		}
		return Math.max(0, y - SPACING);
	}

	private static void shift(List<GraphNode> nodes, Map<String, Box> boxes, int by) {
		for (GraphNode node : nodes) {
			boxes.get(node.id()).y += by + HEADER + MARGIN;
		}
	}

	private static void marker(StringBuilder svg, String id, String colour) {
		svg.append("<marker id=\"").append(id).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\"")
			.append(" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"").append(colour)
			.append("\"/></marker>");
	}

	private static void heading(StringBuilder svg, int x, String text) {
		svg.append("<text x=\"").append(x).append("\" y=\"").append(MARGIN + 12)
			.append("\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#0f172a\">").append(text).append("</text>\n");
	}

	private static void edge(StringBuilder svg, GraphEdge edge, Map<String, Box> boxes) {
		boolean ingress = edge.direction() == dev.portcullis.engine.api.Direction.INGRESS;
		Box peer = boxes.get(ingress ? edge.from() : edge.to());
		Box subject = boxes.get(ingress ? edge.to() : edge.from());
		if (peer == null || subject == null) {
			return;
		}
		int slot = peer.slots.getOrDefault(edge, 0);
		int labelY = peer.y + 5 + (slot + 1) * LINE - 3;
		int lineY = labelY + 3;
		String colour = edge.deny() ? DENY : ALLOW;
		String label = (edge.deny() ? "deny " : "") + edge.label();
		int x1;
		int x2;
		int labelX;
		String anchor;
		if (ingress) {
			x1 = peer.x + BOX_WIDTH;
			x2 = subject.x;
			labelX = x1 + 8;
			anchor = "start";
		}
		else {
			x1 = subject.x + BOX_WIDTH;
			x2 = peer.x;
			labelX = x2 - 8;
			anchor = "end";
		}
		int y1 = ingress ? lineY : subject.centre();
		int y2 = ingress ? subject.centre() : lineY;
		svg.append("<g class=\"edge").append(edge.deny() ? " deny" : " allow").append("\"><title>")
			.append(escape(label + " (" + String.join(", ", edge.paths()) + ")")).append("</title>");
		svg.append("<path d=\"M").append(x1).append(',').append(y1).append(" C").append((x1 + x2) / 2).append(',')
			.append(y1).append(' ').append((x1 + x2) / 2).append(',').append(y2).append(' ').append(x2).append(',')
			.append(y2).append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\"");
		if (edge.deny()) {
			svg.append(" stroke-dasharray=\"6 4\"");
		}
		svg.append(" marker-end=\"url(#").append(edge.deny() ? "policy-graph-deny" : "policy-graph-allow").append(")\"/>");
		svg.append("<text x=\"").append(labelX).append("\" y=\"").append(labelY).append("\" text-anchor=\"")
			.append(anchor).append("\" font-size=\"11\" fill=\"").append(colour)
			.append("\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">").append(escape(cut(label, EDGE_CHARS)))
			.append("</text></g>\n");
	}

	private static void node(StringBuilder svg, GraphNode node, Box box) {
		boolean subject = node.role() == Role.SUBJECT;
		svg.append("<g class=\"node ").append(node.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
			.append("\"><title>").append(escape(node.label() + " (" + String.join(", ", node.policies()) + ")"))
			.append("</title>");
		svg.append("<rect x=\"").append(box.x).append("\" y=\"").append(box.y).append("\" width=\"").append(BOX_WIDTH)
			.append("\" height=\"").append(box.height).append("\" rx=\"6\" fill=\"")
			.append(subject ? "#e0f2fe" : "#f8fafc").append("\" stroke=\"").append(subject ? "#0369a1" : "#94a3b8")
			.append("\"/>");
		int textY = subject ? box.y + 20 : box.y + 22;
		if (!subject) {
			textY = box.y + Math.min(box.height / 2 + 4, 22);
		}
		svg.append("<text x=\"").append(box.x + 10).append("\" y=\"").append(textY).append("\" fill=\"#0f172a\">")
			.append(escape(cut(node.label(), BOX_CHARS))).append("</text>");
		if (subject) {
			if (node.ingressDefaultDeny()) {
				svg.append("<rect x=\"").append(box.x - 3).append("\" y=\"").append(box.y).append("\" width=\"6\" height=\"")
					.append(box.height).append("\" fill=\"").append(DENY).append("\"/>");
			}
			if (node.egressDefaultDeny()) {
				svg.append("<rect x=\"").append(box.x + BOX_WIDTH - 3).append("\" y=\"").append(box.y)
					.append("\" width=\"6\" height=\"").append(box.height).append("\" fill=\"").append(DENY).append("\"/>");
			}
			String marks = "ingress " + (node.ingressDefaultDeny() ? "default-deny" : "open") + " · egress "
					+ (node.egressDefaultDeny() ? "default-deny" : "open");
			svg.append("<text x=\"").append(box.x + 10).append("\" y=\"").append(box.y + 38)
				.append("\" font-size=\"11\" fill=\"").append((node.ingressDefaultDeny() || node.egressDefaultDeny())
						? DENY : "#475569")
				.append("\">").append(marks).append("</text>");
		}
		svg.append("</g>\n");
	}

	static String cut(String text, int max) {
		if (text.codePointCount(0, text.length()) <= max) {
			return text;
		}
		int end = text.offsetByCodePoints(0, max - 1);
		return text.substring(0, end) + "…";
	}

	/**
	 * Text for XML content and attribute values: {@code & < > " '} escaped, and characters XML 1.0 cannot hold
	 * (control characters other than tab, line feed and carriage return; unpaired surrogates; U+FFFE, U+FFFF)
	 * replaced by U+FFFD.
	 */
	static String escape(String text) {
		StringBuilder out = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '&' -> out.append("&amp;");
				case '<' -> out.append("&lt;");
				case '>' -> out.append("&gt;");
				case '"' -> out.append("&quot;");
				case '\'' -> out.append("&#39;");
				default -> {
					if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
						out.append(c).append(text.charAt(++i));
					}
					else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || Character.isSurrogate(c)
							|| c == '\uFFFE' || c == '\uFFFF') {
						out.append('\uFFFD');
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}

}
