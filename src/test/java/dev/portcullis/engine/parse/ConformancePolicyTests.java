package dev.portcullis.engine.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every policy of the shared conformance vectors (our copy in src/test/resources/conformance) is valid unless
 * its case says {@code policy_valid: false}, and then an error contains the case's {@code error_contains}.
 */
class ConformancePolicyTests {

	record Case(String id, List<String> policies, @Nullable String errorContains) {

		@Override
		public String toString() {
			return this.id;
		}

	}

	static List<Case> cases() throws IOException {
		String text;
		try (InputStream in = Objects.requireNonNull(
				ConformancePolicyTests.class.getResourceAsStream("/conformance/cilium-vectors.yaml"))) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		YamlDocuments read = YamlReader.read(text);
		assertThat(read.errors()).isEmpty();
		MapNode root = (MapNode) read.documents().get(0);
		List<Case> cases = new ArrayList<>();
		for (Node node : ((ListNode) root.get("cases")).items()) {
			MapNode entry = (MapNode) node;
			List<String> policies = new ArrayList<>();
			if (entry.get("policies") instanceof ListNode list) {
				list.items().forEach((p) -> policies.add(((ScalarNode) p).value()));
			}
			String errorContains = null;
			if (entry.get("expect_policy") instanceof MapNode expect
					&& expect.get("policy_valid") instanceof ScalarNode valid && valid.value().equals("false")) {
				errorContains = ((ScalarNode) expect.get("error_contains")).value();
			}
			cases.add(new Case(((ScalarNode) entry.get("id")).value(), policies, errorContains));
		}
		assertThat(cases).hasSizeGreaterThan(50);
		return cases;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void parseShouldAcceptOrRejectAsTheCaseExpects(Case testCase) {
		List<String> errors = new ArrayList<>();
		int policies = 0;
		for (String policy : testCase.policies()) {
			YamlDocuments documents = YamlReader.read(policy);
			assertThat(documents.errors()).isEmpty();
			ParseResult result = PolicyParser.parse(documents.documents(), CiliumVersion.DEFAULT);
			result.errors().forEach((e) -> errors.add(e.path() + ": " + e.message()));
			policies += result.policies().size();
		}
		if (testCase.errorContains() == null) {
			assertThat(errors).isEmpty();
			assertThat(policies).isEqualTo(testCase.policies().size());
		}
		else {
			assertThat(errors).anySatisfy((e) -> assertThat(e).containsIgnoringCase(testCase.errorContains()));
		}
	}

}
