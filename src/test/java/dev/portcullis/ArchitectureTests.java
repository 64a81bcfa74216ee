package dev.portcullis;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The house rules that the compiler does not check. */
class ArchitectureTests {

	static JavaClasses main;

	@BeforeAll
	static void importMainClasses() {
		// test classes live in <build dir>/test-classes whatever -Dbuild.dir says
		main = new ClassFileImporter().withImportOption((location) -> !location.contains("/test-classes/"))
			.importPackages("dev.portcullis");
	}

	@Test
	void engineShouldUseOnlyTheJdkRe2jAndJspecify() {
		classes().that().resideInAPackage("dev.portcullis.engine..")
			.should().onlyDependOnClassesThat()
			.resideInAnyPackage("java..", "com.google.re2j..", "org.jspecify..", "dev.portcullis.engine..")
			.because("the engine is pure Java: no Spring, no I/O libraries, only RE2J for regexes (STYLE.md)")
			.check(main);
	}

	@Test
	void engineShouldDoNoIo() {
		noClasses().that().resideInAPackage("dev.portcullis.engine..")
			.should().dependOnClassesThat()
			.resideInAnyPackage("java.io..", "java.nio.file..", "java.net..", "java.sql..", "java.util.logging..")
			.orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.regex.Pattern")
			.because("the engine does no I/O and every policy regex goes through RE2J (linear time, RE2 syntax)")
			.allowEmptyShould(true)
			.check(main);
	}

	@Test
	void nothingOutsideTheEngineShouldReachIntoItsInternals() {
		noClasses().that().resideOutsideOfPackage("dev.portcullis.engine..")
			.should().dependOnClassesThat().resideInAPackage("dev.portcullis.engine.internal..")
			.allowEmptyShould(true)
			.check(main);
	}

}
