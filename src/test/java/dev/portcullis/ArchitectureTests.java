package dev.portcullis;

import java.util.function.Function;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The house rules that the compiler does not check (STYLE.md, DESIGN.md, docs/adr/004).
 * <p>
 * A rule that cannot fail guards nothing, so every rule is written for a root package and checked three ways: on
 * the application ({@code dev.portcullis}), where it must hold; on {@code dev.portcullis.archfixture} (test
 * sources), which breaks it on purpose, where it must fail and name the offending class; and on a root that does
 * not exist, where it must fail because it checked nothing (archunit.properties sets
 * {@code archRule.failOnEmptyShould=true}, and no rule calls {@code allowEmptyShould(true)}). Rules name the
 * package they guard as their subject and list what is allowed, so a renamed or misspelt package fails the rule
 * instead of emptying it.
 */
class ArchitectureTests {

	static final String APPLICATION = "dev.portcullis";

	static final String FIXTURE = "dev.portcullis.archfixture";

	static final String NOWHERE = "dev.portcullis.nosuchpackage";

	static JavaClasses main;

	static JavaClasses fixture;

	@BeforeAll
	static void importClasses() {
		// test classes live in <build dir>/test-classes whatever -Dbuild.dir says
		main = new ClassFileImporter().withImportOption((location) -> !location.contains("/test-classes/"))
			.importPackages(APPLICATION);
		fixture = new ClassFileImporter().importPackages(FIXTURE);
	}

	/** Each house rule, for a root package, with the fixture class whose violation it must report. */
	enum HouseRule {

		ENGINE_USES_ONLY_THE_JDK_RE2J_AND_JSPECIFY("ImpureEngineType", (root) -> classes().that()
			.resideInAPackage(root + ".engine..")
			.should().onlyDependOnClassesThat()
			.resideInAnyPackage("java..", "com.google.re2j..", "org.jspecify..", root + ".engine..")
			.because("the engine is pure Java: no Spring, no I/O libraries, only RE2J for regexes (STYLE.md)")),

		ENGINE_DOES_NO_IO("FileReadingEngineType", (root) -> noClasses().that()
			.resideInAPackage(root + ".engine..")
			.should().dependOnClassesThat()
			.resideInAnyPackage("java.io..", "java.nio.file..", "java.net..", "java.sql..", "java.util.logging..")
			.orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.regex.Pattern")
			.because("the engine does no I/O and every policy regex goes through RE2J (linear time, RE2 syntax)")),

		ENGINE_MATCHERS_ARE_USED_ONLY_INSIDE_THE_ENGINE("policy.Store", (root) -> classes().that()
			.resideInAPackage(root + ".engine.match..")
			.and().doNotHaveSimpleName("Cidr").and().doNotHaveSimpleName("IpAddress")
			.should().onlyHaveDependentClassesThat().resideInAPackage(root + ".engine..")
			.because("features use the engine through parse, eval, flow, api and doc; the matchers are how the "
					+ "engine decides, public only so that its own packages can share them (addresses and CIDRs "
					+ "are plain values: the flow log's --ip filter reads them as the engine does)")),

		WEB_GLUE_DEPENDS_ON_NO_FEATURE("web.Glue", (root) -> classes().that()
			.resideInAPackage(root + ".web..")
			.should().onlyDependOnClassesThat(resideOutsideOfPackage(root + "..")
				.or(resideInAnyPackage(root + ".web..", root + ".database..", root + ".compute..")))
			.because("web holds cross-cutting glue (problems, htmx, layout) that every feature uses (STYLE.md); "
					+ "database and compute (the engine pool) are infrastructure below every feature")),

		FEATURES_ARE_FREE_OF_CYCLES("feature audit", (root) -> slices().matching(root + ".(*)..")
			.namingSlices("feature $1")
			.should().beFreeOfCycles()
			.because("feature packages depend downwards, towards the engine (DESIGN.md)")),

		ENGINE_PACKAGES_ARE_FREE_OF_CYCLES("engine.flow.Reader", (root) -> slices().matching(root + ".engine.(*)..")
			.namingSlices("engine.$1")
			.should().beFreeOfCycles()
			.because("the engine is layered: doc and api, then match, then parse and flow, then eval")),

		NO_PACKAGE_IS_IN_A_CYCLE("policy.web.Page", (root) -> slices().matching(root + ".(**)")
			.namingSlices("package $1")
			.should().beFreeOfCycles()
			.because("a package and its subpackages depend one way too (policy.web uses policy, never back)"));

		final String violatorInFixture;

		private final Function<String, ArchRule> rule;

		HouseRule(String violatorInFixture, Function<String, ArchRule> rule) {
			this.violatorInFixture = violatorInFixture;
			this.rule = rule;
		}

		ArchRule of(String root) {
			return this.rule.apply(root);
		}

	}

	@ParameterizedTest
	@EnumSource(HouseRule.class)
	void applicationShouldKeepEveryHouseRule(HouseRule rule) {
		rule.of(APPLICATION).check(main);
	}

	@ParameterizedTest
	@EnumSource(HouseRule.class)
	void everyHouseRuleShouldFailOnAFixtureThatBreaksIt(HouseRule rule) {
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> rule.of(FIXTURE).check(fixture))
			.withMessageContaining(rule.violatorInFixture);
	}

	@ParameterizedTest
	@EnumSource(HouseRule.class)
	void everyHouseRuleShouldFailWhenThePackagesItGuardsAreMissing(HouseRule rule) {
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> rule.of(NOWHERE).check(main))
			.withMessageContaining("failed to check any classes");
	}

	@Test
	void fixtureShouldBeInvisibleToTheApplicationRules() {
		assertThat(main.containPackage(FIXTURE)).isFalse();
		assertThat(main.containPackage(APPLICATION + ".engine.match")).isTrue();
	}

}
