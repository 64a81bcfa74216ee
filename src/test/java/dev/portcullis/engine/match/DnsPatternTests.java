package dev.portcullis.engine.match;

import java.util.List;

import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DnsPatternTests {

	/** {@code dns_pattern_vectors} of the shared conformance file (cilium-vectors.yaml), verbatim. */
	@ParameterizedTest
	@CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
			*.cilium.io ; sub.cilium.io ; true ; ^[-a-zA-Z0-9_]*[.]cilium[.]io[.]$
			*.cilium.io ; cilium.io ; false ; ^[-a-zA-Z0-9_]*[.]cilium[.]io[.]$
			*.cilium.io ; a.b.cilium.io ; false ; ^[-a-zA-Z0-9_]*[.]cilium[.]io[.]$
			*.cilium.io ; SUB.CILIUM.IO. ; true ; ^[-a-zA-Z0-9_]*[.]cilium[.]io[.]$
			*cilium.io ; cilium.io ; true ; ^[-a-zA-Z0-9_]*cilium[.]io[.]$
			*cilium.io ; subcilium.io ; true ; ^[-a-zA-Z0-9_]*cilium[.]io[.]$
			*cilium.io ; www.cilium.io ; false ; ^[-a-zA-Z0-9_]*cilium[.]io[.]$
			sub*.cilium.io ; sub.cilium.io ; true ; ^sub[-a-zA-Z0-9_]*[.]cilium[.]io[.]$
			sub*.cilium.io ; subdomain.cilium.io ; true ; ^sub[-a-zA-Z0-9_]*[.]cilium[.]io[.]$
			sub*.cilium.io ; www.cilium.io ; false ; ^sub[-a-zA-Z0-9_]*[.]cilium[.]io[.]$
			sub*.cilium.io ; cilium.io ; false ; ^sub[-a-zA-Z0-9_]*[.]cilium[.]io[.]$
			**.cilium.io ; app.cilium.io ; true ; ^([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+){0,})[.]cilium[.]io[.]$
			**.cilium.io ; test.app.cilium.io ; true ; ^([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+){0,})[.]cilium[.]io[.]$
			**.cilium.io ; cilium.io ; false ; ^([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+){0,})[.]cilium[.]io[.]$
			**.cilium.io ; x_y.cilium.io ; true ; ^([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+){0,})[.]cilium[.]io[.]$
			* ; anything.example.com ; true ; (^([-a-zA-Z0-9_]+[.])+$)|(^[.]$)
			* ; _foobar._tcp.cilium.io ; true ; (^([-a-zA-Z0-9_]+[.])+$)|(^[.]$)
			** ; a.b.c ; true ; (^([-a-zA-Z0-9_]+[.])+$)|(^[.]$)
			*. ; x.y ; true ; (^([-a-zA-Z0-9_]+[.])+$)|(^[.]$)
			**. ; x.y ; true ; (^([-a-zA-Z0-9_]+[.])+$)|(^[.]$)
			cilium.io ; CILIUM.IO ; true ; ^cilium[.]io[.]$
			cilium.io. ; cilium.io ; true ; ^cilium[.]io[.]$
			CiLium.io ; cilium.io. ; true ; ^cilium[.]io[.]$
			part*ial.com ; partial.com ; true ; ^part[-a-zA-Z0-9_]*ial[.]com[.]$
			part*ial.com ; part-extra-ial.com ; true ; ^part[-a-zA-Z0-9_]*ial[.]com[.]$
			part*ial.com ; part.x.ial.com ; false ; ^part[-a-zA-Z0-9_]*ial[.]com[.]$
			*.*.svc.cluster.local ; svc1.ns1.svc.cluster.local ; true ; ^[-a-zA-Z0-9_]*[.][-a-zA-Z0-9_]*[.]svc[.]cluster[.]local[.]$
			*.*.svc.cluster.local ; a.b.c.svc.cluster.local ; false ; ^[-a-zA-Z0-9_]*[.][-a-zA-Z0-9_]*[.]svc[.]cluster[.]local[.]$
			special*service.api.cilium.io ; special-region1-service.api.cilium.io ; true ; ^special[-a-zA-Z0-9_]*service[.]api[.]cilium[.]io[.]$
			special*service.api.cilium.io ; region1-service.api.cilium.io ; false ; ^special[-a-zA-Z0-9_]*service[.]api[.]cilium[.]io[.]$
			*.ci*.io ; anysub.ciliumandmore.io ; true ; ^[-a-zA-Z0-9_]*[.]ci[-a-zA-Z0-9_]*[.]io[.]$
			*.ci*.io ; cilium.io ; false ; ^[-a-zA-Z0-9_]*[.]ci[-a-zA-Z0-9_]*[.]io[.]$
			_sub.**.io ; _sub.a.io ; true ; ^_sub[.][-a-zA-Z0-9_]*[.]io[.]$
			_sub.**.io ; _sub.a.b.io ; false ; ^_sub[.][-a-zA-Z0-9_]*[.]io[.]$
			**.ci*.io ; 1.anysub.ciliumandmore.io ; true ; ^([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+){0,})[.]ci[-a-zA-Z0-9_]*[.]io[.]$
			**.*.io ; anysub.ci.io ; true ; ^([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+){0,})[.][-a-zA-Z0-9_]*[.]io[.]$
			**.*.io ; io ; false ; ^([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+){0,})[.][-a-zA-Z0-9_]*[.]io[.]$
			*.twitter.com ; api.twitter.com ; true ; ^[-a-zA-Z0-9_]*[.]twitter[.]com[.]$
			*.twitter.com ; twitter.com ; false ; ^[-a-zA-Z0-9_]*[.]twitter[.]com[.]$
			*.api.cilium.io ; service1.api.cilium.io ; true ; ^[-a-zA-Z0-9_]*[.]api[.]cilium[.]io[.]$
			*.cilium.io ; service1.api.cilium.io ; false ; ^[-a-zA-Z0-9_]*[.]cilium[.]io[.]$
			""")
	void matchPatternShouldAgreeWithConformanceVectors(String pattern, String name, boolean match, String regex) {
		DnsPattern compiled = DnsPattern.matchPattern(pattern);
		assertThat(compiled.regex()).isEqualTo(regex);
		assertThat(compiled.matches(name)).isEqualTo(match);
	}

	static List<Arguments> upstreamLists() {
		// pkg/fqdn/matchpattern/matchpattern_test.go TestAnchoredMatchPatternMatching, the entries that agree with
		// v1.19.4 (cilium-semantics.md 4.3); inputs are raw regex inputs, no normalization
		return List.of(
				Arguments.of("cilium.io.", List.of("cilium.io."),
						List.of("", "anysub.cilium.io.", "anysub.ci.io.", "anysub.ciliumandmore.io.")),
				Arguments.of("*.cilium.io.", List.of("anysub.cilium.io."),
						List.of("", "cilium.io.", "anysub.ci.io.", "anysub.ciliumandmore.io.")),
				Arguments.of("*.ci*.io.", List.of("anysub.cilium.io.", "anysub.ci.io.", "anysub.ciliumandmore.io."),
						List.of("", "ci.io", "cilium.io.", "service.namesace.svc.cluster.local.")),
				Arguments.of("*",
						List.of(".", "io.", "cilium.io.", "svc.cluster.local.", "service.namesace.svc.cluster.local.",
								"_foobar._tcp.cilium.io."),
						List.of("", ".io.", ".cilium.io.", ".svc.cluster.local.", "cilium.io")),
				Arguments.of(".", List.of("."), List.of("", ".io.", ".cilium.io")),
				Arguments.of("_foobar._tcp.cilium.io.", List.of("_foobar._tcp.cilium.io."),
						List.of("", "_tcp.cilium.io.", "cilium.io.")),
				Arguments.of("*.*.cilium.io.", List.of("_foobar._tcp.cilium.io."), List.of("")),
				Arguments.of("**.cilium.io.",
						List.of("anysub.cilium.io.", "_foobar._tcp.cilium.io.",
								"sub11.sub22.sub33._foobar._tcp.cilium.io."),
						List.of("", "cilium.io.", "anysub.ci.io.", "anysub.ciliumandmore.io.", "sub.cilium.io",
								"1._foobar_tcp.cilium.trio.")),
				Arguments.of("**.ci*.io.",
						List.of("anysub.cilium.io.", "anysub.ci.io.", "1.anysub.ciliumandmore.io.",
								"service.namesace.svc.ciuster.io."),
						List.of("", "cilium.io.", "service.namesace.svc..ciblaster.io.")),
				Arguments.of("**.*.io.", List.of("anysub.cilium.io.", "service.namesace.svc.ciuster.io."),
						List.of("", "io.", "..cilium.io.", "cilium.io.")),
				Arguments.of("**",
						List.of(".", "io.", "cilium.io.", "svc.cluster.local.", "service.namesace.svc.cluster.local.",
								"_foobar._tcp.cilium.io."),
						List.of("", "..io.", "..cilium.io.", ".svc.cluster..local.", "cilium..io")),
				Arguments.of("**.", List.of("io.", "cilium.io.", "_foobar._tcp.cilium.io."),
						List.of("", ".cilium.io.", "..cilium.io.", "cilium.io")));
	}

	@ParameterizedTest
	@MethodSource("upstreamLists")
	void toRegexShouldAgreeWithUpstreamAcceptAndRejectLists(String pattern, List<String> accept, List<String> reject) {
		Pattern regex = Pattern.compile(DnsPattern.toRegex(pattern));
		for (String name : accept) {
			assertThat(regex.matches(name)).as("%s accepts \"%s\"", pattern, name).isTrue();
		}
		for (String name : reject) {
			assertThat(regex.matches(name)).as("%s rejects \"%s\"", pattern, name).isFalse();
		}
	}

	@Test
	void toRegexWhenDoubleStarIsNotLeadingShouldMatchOneLabelOnly() {
		// a newer upstream test expects 1.**.cilium.io. to span labels; v1.19.4 code does not (semantics 4.3)
		Pattern regex = Pattern.compile(DnsPattern.toRegex("1.**.cilium.io."));
		assertThat(regex.matches("1.2.cilium.io.")).isTrue();
		assertThat(regex.matches("1.2._foobar._tcp.cilium.io.")).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = ';', textBlock = """
			cilium.io      ; cilium.io       ; true
			cilium.io      ; CILIUM.IO.      ; true
			cilium.io.     ; cilium.io       ; true
			CiLiUm.Io      ; cilium.io       ; true
			cilium.io      ; www.cilium.io   ; false
			cilium.io      ; ciliumxio       ; false
			cilium.io      ; cilium.io..     ; false
			_srv._tcp.x    ; _SRV._tcp.x.    ; true
			""")
	void matchNameShouldCompareNormalizedNamesExactly(String name, String query, boolean expected) {
		assertThat(DnsPattern.matchName(name).matches(query)).isEqualTo(expected);
	}

	@Test
	void matchNameShouldExposeRegexAsCiliumBuildsIt() {
		assertThat(DnsPattern.matchName("Cilium.IO").regex()).isEqualTo("^cilium[.]io[.]$");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", ".", ".cilium.io", "cilium..io", "cilium io", "*.cilium.io", "cilium.io/x",
			"ci[l]ium.io", "a+b.io", "ümlaut.de" })
	void matchNameWhenNotAllowedShouldRejectQuotingIt(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> DnsPattern.matchName(name))
			.withMessageContaining("\"" + name + "\"")
			.withMessageContaining("letters, digits");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", ".", ".cilium.io", "*..io", "cilium io", "[a-z].io", "a+.io", "a{1}.io", "a,b.io",
			"a|b.io", "a$.io" })
	void matchPatternWhenNotAllowedShouldRejectQuotingIt(String pattern) {
		assertThatIllegalArgumentException().isThrownBy(() -> DnsPattern.matchPattern(pattern))
			.withMessageContaining("\"" + pattern + "\"")
			.withMessageContaining("'*'");
	}

	@Test
	void matchWhenTooLongShouldReject() {
		String label = "a".repeat(63);
		String name = String.join(".", label, label, label, label) + "a";
		assertThat(name).hasSize(256);
		assertThatIllegalArgumentException().isThrownBy(() -> DnsPattern.matchName(name));
		assertThatIllegalArgumentException().isThrownBy(() -> DnsPattern.matchPattern(name));
		assertThat(DnsPattern.matchName(name.substring(1)).matches(name.substring(1))).isTrue();
	}

	@Test
	void matchPatternWhenMatchAllShouldMatchRootAndEveryWellFormedName() {
		DnsPattern all = DnsPattern.matchPattern("*");
		assertThat(all.matches(".")).isTrue();
		assertThat(all.matches("a")).isTrue();
		assertThat(all.matches("a..b")).isFalse();
		assertThat(all.matches("a b.c")).isFalse();
	}

}
