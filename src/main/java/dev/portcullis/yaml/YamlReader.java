package dev.portcullis.yaml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Node.ScalarType;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a YAML (or JSON, which is YAML) stream into positioned {@link Node} trees. No input makes it throw:
 * problems come back as {@link Violation}s with 1-based line and column. Only the YAML library's own refusals
 * (syntax, a character YAML does not allow) and the {@link YamlLimits} become violations; any other exception is a
 * bug and propagates. Nesting is refused past {@link YamlLimits#maxDepth()} while the library reads iteratively, so
 * no input reaches a stack overflow.
 * <p>
 * Reading takes time and memory linear in the length of the text, however long its lines or tokens: the library
 * is fed the whole text in one read (it holds the text as code points, 4 bytes a character, while it reads).
 * <p>
 * Semantics, chosen to match what {@code kubectl} (sigs.k8s.io/yaml) accepts where it matters:
 * <ul>
 * <li>Scalars resolve by YAML 1.2's core schema: plain {@code 80} is an int, {@code "80"} a string, plain
 * {@code true}/{@code false} (any case variant the schema lists) a bool, plain {@code ~}, {@code null} or nothing
 * a null. Quoted, literal and folded scalars are strings. Explicit {@code !!str}, {@code !!int}, {@code !!float},
 * {@code !!bool}, {@code !!null}, {@code !!map}, {@code !!seq} tags are honoured; other tags are errors.</li>
 * <li>{@code kubectl} decodes with YAML 1.1 (go-yaml v2), where plain {@code yes}, {@code no}, {@code on},
 * {@code off}, {@code y}, {@code n} are booleans: such a value is typed a string here (1.2) but draws a
 * WARNING advising quotes.</li>
 * <li>Duplicate keys in a mapping are an ERROR (as {@code kubectl}'s strict decoding rejects them); the later
 * value is kept so that reading can go on.</li>
 * <li>Merge keys ({@code <<: *base}, or a list of aliases) are supported, as go-yaml v2 does: keys written in
 * the mapping win over merged ones, and earlier merged mappings win over later ones.</li>
 * <li>Anchors and aliases are supported within a document; an alias shares the anchored tree. The number of
 * alias uses and of nodes counting every alias expansion are limited ({@link YamlLimits}), so a "billion
 * laughs" bomb is refused after reading a few hundred bytes.</li>
 * <li>Keys must be scalars; a non-string scalar key is kept as its text ({@code 80: x} has key "80").</li>
 * <li>An empty stream has no documents; an empty document ({@code ---} alone) is a null scalar.</li>
 * </ul>
 */
public final class YamlReader {

	private YamlReader() {
	}

	/** Reads with {@link YamlLimits#DEFAULTS}. */
	public static YamlDocuments read(String text) {
		return read(text, YamlLimits.DEFAULTS);
	}

	public static YamlDocuments read(String text, YamlLimits limits) {
		return new Reading(text, limits).run();
	}

	private static final String TAG_PREFIX = "tag:yaml.org,2002:";

	private static final Pattern CORE_INT = Pattern.compile("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+");

	private static final Pattern CORE_FLOAT = Pattern
		.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

	private static final Set<String> CORE_NULL = Set.of("", "~", "null", "Null", "NULL");

	private static final Set<String> CORE_BOOL = Set.of("true", "True", "TRUE", "false", "False", "FALSE");

	private static final Set<String> YAML11_BOOL = Set.of("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
			"on", "On", "ON", "off", "Off", "OFF");

	static ScalarType resolvePlain(String value) {
		if (CORE_NULL.contains(value)) {
			return ScalarType.NULL;
		}
		if (CORE_BOOL.contains(value)) {
			return ScalarType.BOOL;
		}
		if (value.isEmpty() || "-+0123456789.".indexOf(value.charAt(0)) < 0) {
			return ScalarType.STRING;
		}
		if (CORE_INT.matcher(value).matches()) {
			return ScalarType.INT;
		}
		if (CORE_FLOAT.matcher(value).matches()) {
			return ScalarType.FLOAT;
		}
		return ScalarType.STRING;
	}

	/** Stops reading: a syntax error or an exceeded limit. */
	private static final class Stop extends RuntimeException {

		private final Violation violation;

		Stop(Violation violation) {
			super(violation.message(), null, false, false);
			this.violation = violation;
		}

	}

	private record Anchored(Node node, long size) {
	}

	private abstract static class Frame {

		final Position position;

		final @Nullable String anchor;

		final long startNodes;

		Frame(Position position, @Nullable String anchor, long startNodes) {
			this.position = position;
			this.anchor = anchor;
			this.startNodes = startNodes;
		}

	}

	private static final class ListFrame extends Frame {

		final List<Node> items = new ArrayList<>();

		ListFrame(Position position, @Nullable String anchor, long startNodes) {
			super(position, anchor, startNodes);
		}

	}

	private static final class MapFrame extends Frame {

		final Map<String, Node> entries = new LinkedHashMap<>();

		final Map<String, Position> keyPositions = new LinkedHashMap<>();

		final List<Node> merges = new ArrayList<>();

		final List<Position> mergePositions = new ArrayList<>();

		boolean awaitingValue;

		@Nullable String key;

		Position keyPosition = Position.UNKNOWN;

		boolean mergeKey;

		boolean invalidKey;

		MapFrame(Position position, @Nullable String anchor, long startNodes) {
			super(position, anchor, startNodes);
		}

	}

	private static final class Reading {

		private final String text;

		private final YamlLimits limits;

		private final List<Node> documents = new ArrayList<>();

		private final List<Violation> violations = new ArrayList<>();

		private final Map<String, Anchored> anchors = new HashMap<>();

		private final Deque<Frame> stack = new ArrayDeque<>();

		private @Nullable Node root;

		private boolean inDocument;

		private Position documentPosition = Position.UNKNOWN;

		private int aliases;

		private long nodes;

		Reading(String text, YamlLimits limits) {
			this.text = text;
			this.limits = limits;
		}

		YamlDocuments run() {
			if (this.text.length() > this.limits.maxInputChars()) {
				this.violations.add(Violation.error(0, "", new Position(1, 1),
						"The input has " + this.text.length() + " characters; at most " + this.limits.maxInputChars()
								+ " are read (the Kubernetes API server accepts requests up to 3 MiB). Split it into"
								+ " smaller pieces."));
				return result();
			}
			try {
				LoadSettings settings = LoadSettings.builder()
					.setParseComments(false)
					.setUseMarks(true)
					.setCodePointLimit(Math.max(this.limits.maxInputChars(), 1024) + 16)
					// The whole text in one read: the reader grows its window by one buffer per read and copies the
					// unconsumed part each time, which is quadratic in the length of a long token with a small buffer.
					.setBufferSize(Math.max(1, this.text.length()))
					.build();
				Iterator<Event> events = new ParserImpl(settings, new StreamReader(settings, this.text));
				while (events.hasNext()) {
					onEvent(events.next());
				}
			}
			catch (Stop stop) {
				abort(stop.violation);
			}
			catch (MarkedYamlEngineException ex) {
				Position at = ex.getProblemMark().or(ex::getContextMark).map(Reading::position).orElse(Position.UNKNOWN);
				abort(Violation.error(currentDocument(), path(), at, syntaxMessage(ex, at)));
			}
			catch (ReaderException ex) {
				abort(Violation.error(currentDocument(), path(), positionOfCodePoint(ex.getPosition()),
						"The text contains the character U+" + String.format("%04X", ex.getCodePoint())
								+ ", which YAML does not allow; remove it."));
			}
			catch (YamlEngineException ex) {
				abort(Violation.error(currentDocument(), path(), Position.UNKNOWN,
						"YAML syntax error: " + firstLine(ex.getMessage())));
			}
			// Anything else is a bug (ours or the library's) and propagates: it must not pass for bad input.
			return result();
		}

		private YamlDocuments result() {
			return new YamlDocuments(this.documents, this.violations);
		}

		private int currentDocument() {
			return this.documents.size();
		}

		private void abort(Violation violation) {
			this.violations.add(violation);
			if (this.inDocument) {
				this.documents.add(new ScalarNode("", ScalarType.NULL, this.documentPosition));
				this.inDocument = false;
			}
			this.stack.clear();
		}

		private String syntaxMessage(MarkedYamlEngineException ex, Position at) {
			StringBuilder message = new StringBuilder("YAML syntax error: ").append(ex.getProblem());
			if (ex.getContext() != null && !ex.getContext().isBlank()) {
				message.append(" (").append(ex.getContext()).append(')');
			}
			String line = lineText(at.line());
			if (!line.isBlank()) {
				message.append(" at \"").append(abbreviate(line.strip(), 80)).append('"');
			}
			return message.toString();
		}

		/** The 1-based line and column of the code point at this index of the text. */
		private Position positionOfCodePoint(int index) {
			int line = 1;
			int column = 1;
			int offset = 0;
			for (int i = 0; i < index && offset < this.text.length(); i++) {
				int c = this.text.codePointAt(offset);
				offset += Character.charCount(c);
				if (c == '\n') {
					line++;
					column = 1;
				}
				else {
					column++;
				}
			}
			return new Position(line, column);
		}

		private String lineText(int line) {
			if (line <= 0) {
				return "";
			}
			int start = 0;
			for (int i = 1; i < line; i++) {
				int next = this.text.indexOf('\n', start);
				if (next < 0) {
					return "";
				}
				start = next + 1;
			}
			int end = this.text.indexOf('\n', start);
			return this.text.substring(start, (end < 0) ? this.text.length() : end).replace("\r", "");
		}

		private void onEvent(Event event) {
			switch (event.getEventId()) {
				case DocumentStart -> startDocument(event);
				case DocumentEnd -> endDocument();
				case Scalar -> onScalar((ScalarEvent) event);
				case Alias -> onAlias((AliasEvent) event);
				case SequenceStart -> push(new ListFrame(position(event), anchor(event), countNode(event)),
						(CollectionStartEvent) event);
				case MappingStart -> push(new MapFrame(position(event), anchor(event), countNode(event)),
						(CollectionStartEvent) event);
				case SequenceEnd, MappingEnd -> pop();
				default -> {
					// stream start/end and comments carry nothing
				}
			}
		}

		private void startDocument(Event event) {
			if (this.documents.size() >= this.limits.maxDocuments()) {
				throw new Stop(Violation.error(this.documents.size(), "", position(event),
						"The stream has more than " + this.limits.maxDocuments() + " documents; at most "
								+ this.limits.maxDocuments() + " are read."));
			}
			this.inDocument = true;
			this.documentPosition = position(event);
			this.anchors.clear();
			this.root = null;
		}

		private void endDocument() {
			Node document = this.root;
			this.documents.add((document != null) ? document : new ScalarNode("", ScalarType.NULL, this.documentPosition));
			this.inDocument = false;
			this.root = null;
		}

		private long countNode(Event event) {
			this.nodes++;
			if (this.nodes > this.limits.maxNodes()) {
				throw new Stop(Violation.error(currentDocument(), path(), position(event),
						"The input has more than " + this.limits.maxNodes()
								+ " nodes (counting every repetition an alias makes); this looks like a YAML bomb"
								+ " or an export far larger than a policy set."));
			}
			return this.nodes - 1;
		}

		private void push(Frame frame, CollectionStartEvent event) {
			if (this.stack.size() >= this.limits.maxDepth()) {
				throw new Stop(Violation.error(currentDocument(), path(), frame.position,
						"The document nests deeper than " + this.limits.maxDepth() + " levels."));
			}
			Optional<String> tag = event.getTag();
			String expected = (frame instanceof MapFrame) ? "map" : "seq";
			if (tag.isPresent() && !tag.get().equals("!") && !tag.get().equals(TAG_PREFIX + expected)) {
				this.violations.add(Violation.error(currentDocument(), path(), frame.position,
						"Unsupported tag \"" + shortTag(tag.get()) + "\" on a "
								+ ((frame instanceof MapFrame) ? "mapping" : "sequence")
								+ "; Kubernetes objects are plain JSON: remove the tag."));
			}
			this.stack.push(frame);
		}

		private void pop() {
			Frame frame = this.stack.pop();
			Node node;
			if (frame instanceof MapFrame map) {
				node = finishMap(map);
			}
			else {
				node = new ListNode(((ListFrame) frame).items, frame.position);
			}
			if (frame.anchor != null) {
				this.anchors.put(frame.anchor, new Anchored(node, this.nodes - frame.startNodes));
			}
			add(node, frame.position);
		}

		private Node finishMap(MapFrame map) {
			if (map.merges.isEmpty()) {
				return new MapNode(map.entries, map.keyPositions, map.position);
			}
			Map<String, Node> entries = new LinkedHashMap<>(map.entries);
			Map<String, Position> keyPositions = new LinkedHashMap<>(map.keyPositions);
			for (int i = 0; i < map.merges.size(); i++) {
				Node merged = map.merges.get(i);
				List<Node> sources = (merged instanceof ListNode list) ? list.items() : List.of(merged);
				for (Node source : sources) {
					if (source instanceof MapNode sourceMap) {
						for (Map.Entry<String, Node> entry : sourceMap.entries().entrySet()) {
							if (!entries.containsKey(entry.getKey())) {
								entries.put(entry.getKey(), entry.getValue());
								keyPositions.put(entry.getKey(), sourceMap.keyPosition(entry.getKey()));
							}
						}
					}
					else {
						this.violations.add(Violation.error(currentDocument(), path(), source.position(),
								"A merge key (<<) takes a mapping or a list of mappings, not "
										+ describe(source) + "."));
					}
				}
			}
			return new MapNode(entries, keyPositions, map.position);
		}

		private void onScalar(ScalarEvent event) {
			Position at = position(event);
			countNode(event);
			String value = event.getValue();
			if (value.length() > this.limits.maxScalarChars()) {
				throw new Stop(Violation.error(currentDocument(), path(), at, "A scalar has " + value.length()
						+ " characters; at most " + this.limits.maxScalarChars() + " are read."));
			}
			Frame parent = this.stack.peek();
			boolean keyPosition = parent instanceof MapFrame map && !map.awaitingValue;
			Optional<String> tag = event.getTag().filter((t) -> !t.equals("!"));
			if (keyPosition && event.isPlain() && tag.isEmpty() && value.equals("<<")) {
				((MapFrame) parent).mergeKey = true;
			}
			ScalarType type;
			if (tag.isPresent()) {
				type = taggedType(tag.get(), value, at);
			}
			else if (event.isPlain() && event.getTag().isEmpty()) {
				type = resolvePlain(value);
				if (!keyPosition && YAML11_BOOL.contains(value)) {
					this.violations.add(Violation.warning(currentDocument(), path(), at, "The unquoted value \""
							+ value + "\" is a string in YAML 1.2 but kubectl (YAML 1.1) reads it as a boolean;"
							+ " quote it (\"" + value + "\") if a string is meant."));
				}
			}
			else {
				type = ScalarType.STRING;
			}
			Node node = new ScalarNode((type == ScalarType.NULL) ? "" : value, type, at);
			event.getAnchor().ifPresent((anchor) -> this.anchors.put(anchor.getValue(), new Anchored(node, 1)));
			add(node, at);
		}

		private ScalarType taggedType(String tag, String value, Position at) {
			String name = tag.startsWith(TAG_PREFIX) ? tag.substring(TAG_PREFIX.length()) : "";
			ScalarType type = switch (name) {
				case "str" -> ScalarType.STRING;
				case "int" -> ScalarType.INT;
				case "float" -> ScalarType.FLOAT;
				case "bool" -> ScalarType.BOOL;
				case "null" -> ScalarType.NULL;
				default -> null;
			};
			if (type == null) {
				this.violations.add(Violation.error(currentDocument(), path(), at, "Unsupported tag \"" + shortTag(tag)
						+ "\" on \"" + abbreviate(value, 40) + "\"; Kubernetes objects are plain JSON: remove the tag."));
				return ScalarType.STRING;
			}
			if (type != ScalarType.STRING && resolvePlain(value) != type
					&& !(type == ScalarType.FLOAT && resolvePlain(value) == ScalarType.INT)) {
				this.violations.add(Violation.error(currentDocument(), path(), at,
						"The value \"" + abbreviate(value, 40) + "\" is not a valid !!" + name + "."));
				return ScalarType.STRING;
			}
			return type;
		}

		private void onAlias(AliasEvent event) {
			Position at = position(event);
			this.aliases++;
			if (this.aliases > this.limits.maxAliases()) {
				throw new Stop(Violation.error(currentDocument(), path(), at, "The input uses more than "
						+ this.limits.maxAliases() + " aliases (*name); this looks like a YAML bomb."));
			}
			String name = event.getAlias().getValue();
			Anchored anchored = this.anchors.get(name);
			if (anchored == null) {
				this.violations.add(Violation.error(currentDocument(), path(), at, "The alias \"*" + name
						+ "\" refers to no anchor (&" + name + ") completed before it in this document."));
				countNode(event);
				add(new ScalarNode("", ScalarType.NULL, at), at);
				return;
			}
			this.nodes += anchored.size() - 1;
			countNode(event);
			add(anchored.node(), at);
		}

		private void add(Node node, Position at) {
			Frame parent = this.stack.peek();
			if (parent == null) {
				this.root = node;
			}
			else if (parent instanceof ListFrame list) {
				list.items.add(node);
			}
			else {
				addToMap((MapFrame) parent, node, at);
			}
		}

		private void addToMap(MapFrame map, Node node, Position at) {
			if (!map.awaitingValue) {
				map.awaitingValue = true;
				map.keyPosition = at;
				if (node instanceof ScalarNode scalar) {
					map.key = scalar.isNull() ? "null" : scalar.value();
					map.invalidKey = false;
				}
				else {
					map.key = null;
					map.invalidKey = true;
					map.mergeKey = false;
					this.violations.add(Violation.error(currentDocument(), path(), at,
							"A mapping key must be a scalar, not " + describe(node) + "."));
				}
				return;
			}
			String key = map.key;
			if (map.invalidKey || key == null) {
				map.awaitingValue = false;
				return;
			}
			if (map.mergeKey) {
				map.awaitingValue = false;
				map.mergeKey = false;
				map.merges.add(node);
				map.mergePositions.add(at);
				map.key = null;
				return;
			}
			if (map.entries.containsKey(key)) {
				Position first = map.keyPositions.get(key);
				this.violations.add(Violation.error(currentDocument(), path(), map.keyPosition, "Duplicate key \""
						+ abbreviate(key, 60) + "\" (first at line " + ((first != null) ? first.line() : 0)
						+ "); Kubernetes strict decoding rejects duplicate fields. The later value is used here."));
				map.entries.remove(key);
			}
			map.awaitingValue = false;
			map.entries.put(key, node);
			map.keyPositions.put(key, map.keyPosition);
			map.key = null;
		}

		/** The path of the node being read, in Kubernetes style ({@code spec.ingress[0]}). */
		private String path() {
			StringBuilder path = new StringBuilder();
			Iterator<Frame> frames = this.stack.descendingIterator();
			while (frames.hasNext()) {
				Frame frame = frames.next();
				if (frame instanceof ListFrame list) {
					path.append('[').append(list.items.size()).append(']');
				}
				else {
					MapFrame map = (MapFrame) frame;
					if (map.awaitingValue && map.key != null) {
						if (!path.isEmpty()) {
							path.append('.');
						}
						path.append(map.key);
					}
				}
			}
			return path.toString();
		}

		private static Position position(Event event) {
			return event.getStartMark().map(Reading::position).orElse(Position.UNKNOWN);
		}

		private static Position position(Mark mark) {
			return new Position(mark.getLine() + 1, mark.getColumn() + 1);
		}

		private static @Nullable String anchor(Event event) {
			return ((NodeEvent) event).getAnchor().map((anchor) -> anchor.getValue()).orElse(null);
		}

	}

	private static String describe(Node node) {
		if (node instanceof MapNode) {
			return "a mapping";
		}
		if (node instanceof ListNode) {
			return "a sequence";
		}
		return "the scalar \"" + abbreviate(((ScalarNode) node).value(), 40) + "\"";
	}

	private static String shortTag(String tag) {
		return tag.startsWith(TAG_PREFIX) ? "!!" + tag.substring(TAG_PREFIX.length()) : tag;
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "unreadable input";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

	static String abbreviate(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max) + "…";
	}

}
