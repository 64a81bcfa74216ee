package dev.portcullis.engine.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * matchPattern against a label-by-label glob matcher written independently from the rules in
 * cilium-semantics.md 4.3: names are lower-cased and dot-terminated; a pattern of only stars matches every name of
 * DNS-character labels and the root; a leading {@code **.} stands for one or more non-empty labels; in every other
 * label a run of stars matches any (possibly empty) run of DNS characters.
 */
class DnsPatternPropertyTests {

	@Provide
	Arbitrary<String> names() {
		Arbitrary<String> label = Arbitraries.strings().withChars("abAB-_").ofMinLength(0).ofMaxLength(3);
		return Combinators.combine(label.list().ofMinSize(1).ofMaxSize(4), Arbitraries.of("", "."))
			.as((labels, dot) -> String.join(".", labels) + dot);
	}

	@Provide
	Arbitrary<String> patterns() {
		Arbitrary<String> label = Arbitraries.strings().withChars("abAB-_*").ofMinLength(1).ofMaxLength(4);
		Arbitrary<String> lead = Arbitraries.of("", "", "**.", "***.");
		return Combinators.combine(lead, label.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of("", "."))
			.as((prefix, labels, dot) -> prefix + String.join(".", labels) + dot);
	}

	@Property(tries = 1000)
	void matchesShouldAgreeWithLabelGlob(@ForAll("patterns") String pattern, @ForAll("names") String name) {
		assertThat(DnsPattern.matchPattern(pattern).matches(name)).as("%s ~ %s", pattern, name)
			.isEqualTo(naiveMatches(pattern, name));
	}

	@Property(tries = 500)
	void matchesWhenNameIsBuiltFromPatternShouldMatch(@ForAll("patterns") String pattern) {
		// replace every star run by "x" and a leading "**." by "s.t.": the result must match
		String name = pattern.replaceFirst("^\\*\\*+\\.", "s.t.").replaceAll("\\*+", "x");
		assertThat(DnsPattern.matchPattern(pattern).matches(name.toUpperCase(Locale.ROOT))).isTrue();
	}

	private static boolean naiveMatches(String rawPattern, String rawName) {
		String pattern = rawPattern.toLowerCase(Locale.ROOT);
		String name = rawName.toLowerCase(Locale.ROOT);
		if (!name.endsWith(".")) {
			name = name + ".";
		}
		List<String> nameLabels = Arrays.asList(name.substring(0, name.length() - 1).split("\\.", -1));
		if (pattern.chars().allMatch((c) -> c == '*') || (pattern.endsWith(".")
				&& pattern.substring(0, pattern.length() - 1).chars().allMatch((c) -> c == '*'))) {
			return name.equals(".") || nameLabels.stream().allMatch((label) -> !label.isEmpty());
		}
		if (pattern.endsWith(".")) {
			pattern = pattern.substring(0, pattern.length() - 1);
		}
		List<String> patternLabels = new ArrayList<>(Arrays.asList(pattern.split("\\.", -1)));
		boolean subdomains = patternLabels.size() > 1 && patternLabels.get(0).matches("\\*\\*+");
		if (subdomains) {
			patternLabels.remove(0);
		}
		int extra = nameLabels.size() - patternLabels.size();
		if (subdomains ? extra < 1 : extra != 0) {
			return false;
		}
		for (int i = 0; i < extra; i++) {
			if (nameLabels.get(i).isEmpty()) {
				return false;
			}
		}
		for (int i = 0; i < patternLabels.size(); i++) {
			if (!glob(patternLabels.get(i), nameLabels.get(extra + i))) {
				return false;
			}
		}
		return true;
	}

	/** Whether {@code text} matches {@code glob}, a star matching any run of characters. */
	private static boolean glob(String glob, String text) {
		if (glob.isEmpty()) {
			return text.isEmpty();
		}
		if (glob.charAt(0) == '*') {
			for (int i = 0; i <= text.length(); i++) {
				if (glob(glob.substring(1), text.substring(i))) {
					return true;
				}
			}
			return false;
		}
		return !text.isEmpty() && text.charAt(0) == glob.charAt(0) && glob(glob.substring(1), text.substring(1));
	}

}
