package dev.portcullis.yaml;

import java.time.Duration;
import java.util.List;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Node.ScalarType;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class YamlReaderTests {

	private static final Duration HANG_GUARD = Duration.ofSeconds(20);

	private static MapNode map(Node node) {
		assertThat(node).isInstanceOf(MapNode.class);
		return (MapNode) node;
	}

	private static ScalarNode scalar(Node node) {
		assertThat(node).isInstanceOf(ScalarNode.class);
		return (ScalarNode) node;
	}

	private static Node only(YamlDocuments read) {
		assertThat(read.violations()).isEmpty();
		assertThat(read.documents()).hasSize(1);
		return read.documents().get(0);
	}

	@Test
	void readShouldGiveOneBasedPositionsOfNodesAndKeys() {
		MapNode root = map(only(YamlReader.read("""
				apiVersion: v1
				spec:
				  ports:
				    - port: "80"
				""")));
		assertThat(root.position()).isEqualTo(new Position(1, 1));
		assertThat(root.keyPosition("spec")).isEqualTo(new Position(2, 1));
		MapNode spec = map(root.get("spec"));
		assertThat(spec.keyPosition("ports")).isEqualTo(new Position(3, 3));
		ListNode ports = (ListNode) spec.get("ports");
		MapNode port = map(ports.items().get(0));
		assertThat(port.position()).isEqualTo(new Position(4, 7));
		assertThat(scalar(port.get("port")).position()).isEqualTo(new Position(4, 13));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
			80          | INT    | 80
			'"80"'      | STRING | 80
			'''80'''    | STRING | 80
			-12         | INT    | -12
			0x1F        | INT    | 0x1F
			0o17        | INT    | 0o17
			1.5         | FLOAT  | 1.5
			1e3         | FLOAT  | 1e3
			.inf        | FLOAT  | .inf
			true        | BOOL   | true
			FALSE       | BOOL   | FALSE
			null        | NULL   | ''
			~           | NULL   | ''
			''          | NULL   | ''
			yes         | STRING | yes
			TCP         | STRING | TCP
			1.2.3       | STRING | 1.2.3
			10.0.0.0/8  | STRING | 10.0.0.0/8
			'"true"'    | STRING | true
			!!str 80    | STRING | 80
			!!int "80"  | INT    | 80
			""")
	void readShouldResolveScalarsByTheCoreSchema(String written, ScalarType type, String value) {
		YamlDocuments read = YamlReader.read("v: " + written + "\n");
		ScalarNode node = scalar(map(read.documents().get(0)).get("v"));
		assertThat(node.type()).isEqualTo(type);
		assertThat(node.value()).isEqualTo(value);
		assertThat(read.errors()).isEmpty();
	}

	@Test
	void readWhenValueIsAYaml11BooleanShouldWarnButKeepAString() {
		YamlDocuments read = YamlReader.read("metadata:\n  labels:\n    debug: yes\n");
		assertThat(read.errors()).isEmpty();
		assertThat(read.violations()).singleElement().satisfies((v) -> {
			assertThat(v.severity()).isEqualTo(Violation.Severity.WARNING);
			assertThat(v.path()).isEqualTo("metadata.labels.debug");
			assertThat(v.line()).isEqualTo(3);
			assertThat(v.column()).isEqualTo(12);
			assertThat(v.message()).contains("\"yes\"").contains("boolean");
		});
	}

	@Test
	void readShouldSplitMultipleDocumentsAndKeepEmptyOnesAsNull() {
		YamlDocuments read = YamlReader.read("""
				a: 1
				---
				---
				b: 2
				""");
		assertThat(read.violations()).isEmpty();
		assertThat(read.documents()).hasSize(3);
		assertThat(map(read.documents().get(0)).get("a")).isNotNull();
		assertThat(scalar(read.documents().get(1)).isNull()).isTrue();
		MapNode third = map(read.documents().get(2));
		assertThat(third.position().line()).isEqualTo(4);
	}

	@Test
	void readWhenStreamIsEmptyShouldGiveNoDocuments() {
		assertThat(YamlReader.read("").documents()).isEmpty();
		assertThat(YamlReader.read("# only a comment\n").documents()).isEmpty();
	}

	@Test
	void readShouldReadJsonWithTypesAndPositions() {
		MapNode root = map(only(YamlReader.read("""
				{
				  "kind": "CiliumNetworkPolicy",
				  "spec": {"ports": [{"port": "80", "endPort": 90, "x": null, "y": true}]}
				}
				""")));
		assertThat(scalar(root.get("kind")).type()).isEqualTo(ScalarType.STRING);
		assertThat(root.keyPosition("spec")).isEqualTo(new Position(3, 3));
		MapNode port = map(((ListNode) map(root.get("spec")).get("ports")).items().get(0));
		assertThat(scalar(port.get("port")).type()).isEqualTo(ScalarType.STRING);
		assertThat(scalar(port.get("endPort")).type()).isEqualTo(ScalarType.INT);
		assertThat(scalar(port.get("x")).type()).isEqualTo(ScalarType.NULL);
		assertThat(scalar(port.get("y")).type()).isEqualTo(ScalarType.BOOL);
	}

	@Test
	void readShouldReadJsonIndentedWithTabs() {
		YamlDocuments read = YamlReader.read("{\n\t\"a\": [\n\t\t1\n\t]\n}\n");
		assertThat(read.errors()).isEmpty();
		assertThat(((ListNode) map(read.documents().get(0)).get("a")).items()).hasSize(1);
	}

	@Test
	void readWhenKeyIsDuplicatedShouldReportBothPlacesAndKeepTheLaterValue() {
		YamlDocuments read = YamlReader.read("""
				spec:
				  endpointSelector: {}
				  ingress: []
				  endpointSelector:
				    matchLabels: {app: x}
				""");
		assertThat(read.errors()).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("spec.endpointSelector");
			assertThat(v.line()).isEqualTo(4);
			assertThat(v.column()).isEqualTo(3);
			assertThat(v.message()).contains("Duplicate key \"endpointSelector\"").contains("line 2");
		});
		MapNode spec = map(map(read.documents().get(0)).get("spec"));
		assertThat(map(spec.get("endpointSelector")).get("matchLabels")).isNotNull();
		assertThat(spec.keyPosition("endpointSelector").line()).isEqualTo(4);
	}

	@Test
	void readShouldExpandAliasesAndMergeKeysWithWrittenKeysWinning() {
		MapNode root = map(only(YamlReader.read("""
				base: &base
				  a: 1
				  b: 2
				other: &other
				  b: 20
				  c: 30
				copy: *base
				merged:
				  <<: [*base, *other]
				  a: 10
				""")));
		assertThat(scalar(map(root.get("copy")).get("a")).value()).isEqualTo("1");
		MapNode merged = map(root.get("merged"));
		assertThat(merged.entries().keySet()).containsExactlyInAnyOrder("a", "b", "c");
		assertThat(scalar(merged.get("a")).value()).isEqualTo("10");
		assertThat(scalar(merged.get("b")).value()).isEqualTo("2");
		assertThat(scalar(merged.get("c")).value()).isEqualTo("30");
	}

	@Test
	void readWhenQuotedKeyLooksLikeMergeShouldKeepItAsAKey() {
		MapNode root = map(only(YamlReader.read("\"<<\": 1\n")));
		assertThat(root.entries()).containsKey("<<");
	}

	@Test
	void readWhenAliasIsUnknownShouldReportIt() {
		YamlDocuments read = YamlReader.read("a: *nowhere\n");
		assertThat(read.errors()).singleElement()
			.satisfies((v) -> assertThat(v.message()).contains("*nowhere").contains("no anchor"));
	}

	@Test
	void readWhenBillionLaughsShouldRefuseQuickly() {
		StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
		for (char c = 'b'; c <= 'j'; c++) {
			char p = (char) (c - 1);
			bomb.append(c).append(": &").append(c).append(" [");
			for (int i = 0; i < 9; i++) {
				bomb.append((i > 0) ? "," : "").append('*').append(p);
			}
			bomb.append("]\n");
		}
		YamlDocuments read = assertTimeoutPreemptively(HANG_GUARD, () -> YamlReader.read(bomb.toString()));
		assertThat(read.errors()).singleElement().satisfies((v) -> assertThat(v.message()).contains("YAML bomb"));
	}

	@Test
	void readWhenFewAliasesExpandExponentiallyShouldRefuseByNodeCount() {
		StringBuilder bomb = new StringBuilder("a0: &a0 [x, y]\n");
		for (int i = 1; i <= 40; i++) {
			bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
				.append(i - 1).append("]\n");
		}
		YamlDocuments read = assertTimeoutPreemptively(HANG_GUARD,
				() -> YamlReader.read(bomb.toString(), YamlLimits.DEFAULTS.withMaxAliases(1000)));
		assertThat(read.errors()).singleElement().satisfies((v) -> assertThat(v.message()).contains("nodes"));
	}

	@Test
	void readWhenAliasesExceedTheLimitShouldRefuse() {
		YamlDocuments read = YamlReader.read("a: &a 1\nb: [*a, *a, *a]\n", YamlLimits.DEFAULTS.withMaxAliases(2));
		assertThat(read.errors()).singleElement().satisfies((v) -> {
			assertThat(v.message()).contains("more than 2 aliases");
			assertThat(v.line()).isEqualTo(2);
		});
		assertThat(read.documents()).hasSize(1);
		assertThat(scalar(read.documents().get(0)).isNull()).isTrue();
	}

	@Test
	void readWhenNestingIsTooDeepShouldRefuse() {
		String deep = "[".repeat(100_000) + "]".repeat(100_000);
		YamlDocuments read = assertTimeoutPreemptively(HANG_GUARD, () -> YamlReader.read(deep));
		assertThat(read.errors()).singleElement().satisfies((v) -> assertThat(v.message()).contains("deeper than 128"));
		YamlDocuments shallow = YamlReader.read("a: {b: {c: 1}}", YamlLimits.DEFAULTS.withMaxDepth(2));
		assertThat(shallow.errors()).singleElement().satisfies((v) -> assertThat(v.path()).isEqualTo("a.b"));
	}

	@Test
	void readWhenInputIsTooLargeShouldRefuseBeforeParsing() {
		String paste = "a: b\n".repeat(2_100_000);
		YamlDocuments read = assertTimeoutPreemptively(HANG_GUARD, () -> YamlReader.read(paste));
		assertThat(read.documents()).isEmpty();
		assertThat(read.errors()).singleElement()
			.satisfies((v) -> assertThat(v.message()).contains("10500000 characters").contains("3 MiB"));
	}

	@Test
	void readWhenInputIsLargeButWithinTheLimitShouldReadItQuickly() {
		StringBuilder policies = new StringBuilder();
		for (int i = 0; i < 5000; i++) {
			policies.append("---\nkind: CiliumNetworkPolicy\nmetadata: {name: p").append(i)
				.append("}\nspec:\n  endpointSelector: {matchLabels: {app: x}}\n  ingress:\n  - fromEndpoints: [{}]\n");
		}
		YamlDocuments read = assertTimeoutPreemptively(HANG_GUARD, () -> YamlReader.read(policies.toString()));
		assertThat(read.violations()).isEmpty();
		assertThat(read.documents()).hasSize(5000);
	}

	@Test
	void readWhenTooManyDocumentsShouldRefuseAndKeepTheFirst() {
		YamlDocuments read = YamlReader.read("a: 1\n---\nb: 2\n---\nc: 3\n", YamlLimits.DEFAULTS.withMaxDocuments(2));
		assertThat(read.documents()).hasSize(2);
		assertThat(read.errors()).singleElement().satisfies((v) -> {
			assertThat(v.document()).isEqualTo(2);
			assertThat(v.message()).contains("more than 2 documents");
		});
	}

	@Test
	void readWhenScalarIsTooLongShouldRefuse() {
		YamlDocuments read = YamlReader.read("a: " + "x".repeat(100) + "\n", YamlLimits.DEFAULTS.withMaxScalarChars(50));
		assertThat(read.errors()).singleElement().satisfies((v) -> {
			assertThat(v.message()).contains("100 characters").contains("at most 50");
			assertThat(v.path()).isEqualTo("a");
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
			'a: b: c'                       | 1 | 5
			'a:\\n  - x\\n  y: 1'           | 3 | 3
			'{"a": 1'                       | 1 | 8
			'a: [1, 2'                      | 1 | 9
			'a: "unterminated'              | 1 | 17
			'a:\\n\\tb: 1'                  | 2 | 1
			'- a\\nb: 1'                    | 2 | 1
			""")
	void readWhenSyntaxIsBrokenShouldReportWhereAndNeverThrow(String text, int line, int column) {
		YamlDocuments read = YamlReader.read(text.replace("\\n", "\n").replace("\\t", "\t"));
		assertThat(read.errors()).singleElement().satisfies((v) -> {
			assertThat(v.message()).startsWith("YAML syntax error: ");
			assertThat(v.line()).isEqualTo(line);
			assertThat(v.column()).isEqualTo(column);
		});
	}

	@Test
	void readWhenSecondDocumentIsBrokenShouldKeepTheFirstAndAlignIndexes() {
		YamlDocuments read = YamlReader.read("a: 1\n---\nb: [\n");
		assertThat(read.documents()).hasSize(2);
		assertThat(map(read.documents().get(0)).get("a")).isNotNull();
		assertThat(scalar(read.documents().get(1)).isNull()).isTrue();
		assertThat(read.errors()).singleElement().satisfies((v) -> assertThat(v.document()).isEqualTo(1));
	}

	@Test
	void readWhenKeyIsACollectionOrTagIsUnknownShouldReport() {
		YamlDocuments read = YamlReader.read("? [a]\n: 1\nb: !custom x\nc: !!set {a}\n");
		List<String> messages = read.errors().stream().map(Violation::message).toList();
		assertThat(messages).hasSize(3);
		assertThat(messages.get(0)).contains("key must be a scalar");
		assertThat(messages.get(1)).contains("!custom");
		assertThat(messages.get(2)).contains("!!set");
	}

	@Test
	void readWhenTextHasControlCharactersShouldReportNotThrow() {
		YamlDocuments read = YamlReader.read("a: \u0001\n");
		assertThat(read.errors()).hasSize(1);
	}

	@Test
	void readWhenTextHasANulCharacterShouldNameItsLineAndColumn() {
		YamlDocuments read = YamlReader.read("a: 1\nb: x\u0000y\n");
		assertThat(read.errors()).singleElement().satisfies((v) -> {
			assertThat(v.message()).contains("U+0000");
			assertThat(v.line()).isEqualTo(2);
			assertThat(v.column()).isEqualTo(5);
		});
	}

	/**
	 * The reader turns only the YAML library's refusals into violations, so a stack overflow would propagate: deep
	 * nesting of every kind must end at the depth limit, never in recursion.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
			'['      | ']'
			'{a: '   | '}'
			'- '     | ''
			'[{a: '  | '}]'
			""")
	void readWhenNestingIsExtremelyDeepShouldRefuseAtTheLimitWithoutOverflowingTheStack(String open, String close) {
		int depth = 200_000;
		String deep = open.repeat(depth) + "x" + close.repeat(depth);
		YamlDocuments read = assertTimeoutPreemptively(HANG_GUARD, () -> YamlReader.read(deep));
		assertThat(read.errors()).singleElement().satisfies((v) -> assertThat(v.message()).contains("deeper than 128"));
	}


	/**
	 * The work of reading a line is measured as the bytes the reading thread allocates: snakeyaml-engine's reader
	 * copies its window of code points whenever it needs more input, so copying is allocation, and a reader that
	 * re-copies a growing window allocates quadratically in the length of a long token (a comment, a scalar).
	 * Four times the line must cost about four times the work, not sixteen.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
			'# '        | ''
			'a: '       | ''
			'a: "'      | '"'
			'{"a": "'   | '"}'
			""")
	void readOfOneLongLineShouldDoWorkLinearInItsLength(String before, String after) {
		int n = 100_000;
		long small = allocatedWhileReading(before + "x".repeat(n) + after);
		long large = allocatedWhileReading(before + "x".repeat(4 * n) + after);
		assertThat((double) large / small).as("work for 4N characters / work for N").isLessThan(6.0);
	}

	private static long allocatedWhileReading(String text) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
			.getThreadMXBean();
		YamlLimits limits = YamlLimits.DEFAULTS.withMaxScalarChars(YamlLimits.DEFAULTS.maxInputChars());
		YamlReader.read(text, limits); // classes loaded, caches warm
		long before = threads.getCurrentThreadAllocatedBytes();
		YamlDocuments read = YamlReader.read(text, limits);
		long allocated = threads.getCurrentThreadAllocatedBytes() - before;
		assertThat(read.errors()).isEmpty();
		return allocated;
	}

}
