package dev.portcullis.policy.web;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.lint.PolicyLint;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyTemplateTests {

	static List<PolicyTemplate> templates() {
		return PolicyTemplate.ALL;
	}

	@ParameterizedTest
	@MethodSource("templates")
	void templateWhenCheckedByTheEngineShouldHaveNoErrorsAndNoWarningButKafkasDeprecation(PolicyTemplate template) {
		YamlDocuments documents = YamlReader.read(template.yaml());
		ParseResult parsed = PolicyParser.parse(documents.documents(), CiliumVersion.DEFAULT);
		List<Violation> all = new ArrayList<>(documents.violations());
		all.addAll(parsed.violations());
		all.addAll(PolicyLint.lint(documents.documents(), parsed.policies()));
		assertThat(all).as(template.id()).noneMatch(Violation::isError);
		// the brief's Kafka example is Kafka: the engine rightly says that Cilium 1.20 drops Kafka rules
		List<String> warnings = all.stream().map(Violation::message).toList();
		if (template.id().equals("kafka")) {
			assertThat(warnings).singleElement().asString().contains("removed in Cilium 1.20");
		}
		else {
			assertThat(warnings).as(template.id()).isEmpty();
		}
		assertThat(parsed.policies()).as(template.id()).hasSize(1);
	}

	@ParameterizedTest
	@MethodSource("templates")
	void templateShouldBeFoundByItsId(PolicyTemplate template) {
		assertThat(PolicyTemplate.find(template.id())).contains(template);
		assertThat(template.yaml()).startsWith("# ");
	}

}
