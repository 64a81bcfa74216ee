package dev.portcullis.engine.parse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Cilium example policies (src/test/resources/corpus/cilium-examples, copied from the shared corpus), checked
 * against the expected outcome INDEX.md gives for each file. The table drives the test, and every file must have a
 * row, so no file is skipped silently.
 * <p>
 * INDEX.md's outcomes come from the bundled CRD schema, which is the Cilium 1.20 line (Kafka and {@code l7proto}
 * removed), so the table is checked with target 1.20; the files rejected only for those removed features are also
 * checked to be accepted, with warnings, for the default target 1.19.
 */
class CorpusTests {

	private static final CiliumVersion BUNDLED_CRD = new CiliumVersion(1, 20);

	/**
	 * Files where INDEX.md (derived from the CRD schema only) and the agent disagree: the agent's validation
	 * (pkg/policy/api/rule_validation.go) rejects them, so the expected outcome here is REJECT.
	 */
	private static final java.util.Map<String, String> AGENT_REJECTS = java.util.Map.of("examples/policies/cidr.yaml",
			"Combining toCIDR and toCIDRSet is not supported yet");

	record Row(String path, String kinds, String outcome) {

		@Override
		public String toString() {
			return this.path + " → " + this.outcome.split(" — ")[0];
		}

	}

	static Path root() {
		try {
			return Path.of(Objects.requireNonNull(CorpusTests.class.getResource("/corpus/cilium-examples/INDEX.md"))
				.toURI()).getParent();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static List<Row> rows() throws IOException {
		List<Row> rows = new ArrayList<>();
		for (String line : Files.readAllLines(root().resolve("INDEX.md"), StandardCharsets.UTF_8)) {
			if (!line.startsWith("| `")) {
				continue;
			}
			String[] cells = line.split("\\|");
			rows.add(new Row(cells[1].strip().replace("`", ""), cells[2].strip(), cells[4].strip()));
		}
		return rows;
	}

	private static ParseResult parse(Row row, CiliumVersion target) throws IOException {
		String text = Files.readString(root().resolve(row.path()), StandardCharsets.UTF_8);
		YamlDocuments documents = YamlReader.read(text);
		ParseResult result = PolicyParser.parse(documents.documents(), target);
		List<Violation> all = new ArrayList<>(documents.violations());
		all.addAll(result.violations());
		return new ParseResult(result.policies(), all);
	}

	@Test
	void indexShouldListEveryFileOfTheCorpus() throws IOException {
		Set<String> listed = rows().stream().map(Row::path).collect(Collectors.toCollection(TreeSet::new));
		Set<String> files;
		try (Stream<Path> walk = Files.walk(root().resolve("examples"))) {
			files = walk.filter(Files::isRegularFile)
				.map((p) -> root().relativize(p).toString().replace('\\', '/'))
				.collect(Collectors.toCollection(TreeSet::new));
		}
		assertThat(files).isEqualTo(listed);
		assertThat(listed).hasSizeGreaterThan(150);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rows")
	void parseShouldGiveTheOutcomeTheIndexExpects(Row row) throws IOException {
		ParseResult result = parse(row, BUNDLED_CRD);
		String outcome = row.outcome();
		String agentRejects = AGENT_REJECTS.get(row.path());
		if (agentRejects != null) {
			assertThat(result.errors()).as(row.path())
				.anySatisfy((e) -> assertThat(e.message()).contains(agentRejects));
			assertThat(result.policies()).isEmpty();
		}
		else if (outcome.startsWith("ACCEPT with pruning")) {
			assertThat(result.errors()).as(row.path()).isEmpty();
			assertThat(result.warnings()).as(row.path())
				.anySatisfy((w) -> assertThat(w.message()).startsWith("Unknown field"));
			assertThat(result.policies()).isNotEmpty();
		}
		else if (outcome.startsWith("ACCEPT")) {
			assertThat(result.errors()).as(row.path()).isEmpty();
			assertThat(result.policies()).isNotEmpty();
			// INDEX.md does not look into metadata (the CRD types it as a bare object); unknown metadata fields
			// are pruned by the API server, so they draw the same warning
			assertThat(result.warnings()).as(row.path())
				.filteredOn((w) -> !w.path().startsWith("metadata."))
				.noneSatisfy((w) -> assertThat(w.message()).startsWith("Unknown field"));
		}
		else if (outcome.startsWith("REJECT") || outcome.startsWith("LIKELY REJECT")) {
			assertThat(result.errors()).as(row.path()).isNotEmpty();
			assertThat(result.policies()).isEmpty();
		}
		else if (outcome.startsWith("rule list")) {
			assertThat(result.errors()).as(row.path())
				.anySatisfy((e) -> assertThat(e.message()).startsWith("Not a Kubernetes object"));
			assertThat(result.policies()).isEmpty();
		}
		else {
			assertThat(outcome).as(row.path()).startsWith("n/a");
			assertThat(result.policies()).as(row.path()).isEmpty();
		}
		assertThat(result.violations()).allSatisfy((v) -> {
			assertThat(v.message()).isNotBlank();
			assertThat(v.line()).isGreaterThanOrEqualTo(0);
		});
	}

	/** What INDEX.md says of the files that use Kafka or {@code l7proto}, which Cilium 1.20 removed. */
	static final String REMOVED_IN_1_20 = "REJECT by the bundled schema";

	/** The files rejected only because they use features Cilium 1.20 removed. */
	static List<Row> rowsRejectedOnlyForFeaturesRemovedIn120() throws IOException {
		List<Row> rows = rows().stream().filter((row) -> row.outcome().startsWith(REMOVED_IN_1_20)).toList();
		assertThat(rows).isNotEmpty();
		return rows;
	}

	/** Every other file: nothing in them depends on the target version. */
	static List<Row> rowsThatReadTheSameForEveryTarget() throws IOException {
		List<Row> rows = rows().stream().filter((row) -> !row.outcome().startsWith(REMOVED_IN_1_20)).toList();
		assertThat(rows).isNotEmpty();
		return rows;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rowsRejectedOnlyForFeaturesRemovedIn120")
	void parseForTheDefaultTargetShouldAcceptKafkaAndGenericL7WithAWarning(Row row) throws IOException {
		ParseResult result = parse(row, CiliumVersion.DEFAULT);
		assertThat(result.errors()).as(row.path()).isEmpty();
		assertThat(result.policies()).isNotEmpty();
		assertThat(result.warnings()).anySatisfy((w) -> assertThat(w.message()).contains("removed in Cilium 1.20"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rowsThatReadTheSameForEveryTarget")
	void parseForTheDefaultTargetShouldGiveWhatTheBundledCrdGivesWhenNoRemovedFeatureIsUsed(Row row)
			throws IOException {
		ParseResult bundled = parse(row, BUNDLED_CRD);
		ParseResult current = parse(row, CiliumVersion.DEFAULT);
		// the same problems at the same places; their wording may differ (1.19 lists kafka and l7proto as known)
		assertThat(current.violations()).as(row.path())
			.extracting(Violation::severity, Violation::document, Violation::path, Violation::line, Violation::column)
			.isEqualTo(bundled.violations()
				.stream()
				.map((v) -> org.assertj.core.groups.Tuple.tuple(v.severity(), v.document(), v.path(), v.line(),
						v.column()))
				.toList());
		assertThat(current.policies()).as(row.path()).isEqualTo(bundled.policies());
	}

}
