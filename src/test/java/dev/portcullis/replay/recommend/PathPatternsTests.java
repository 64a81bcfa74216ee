package dev.portcullis.replay.recommend;

import com.google.re2j.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP paths with identifiers generalised to RE2 regexes, checked with RE2J as Envoy would match them. */
class PathPatternsTests {

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			http://reviews:9080/reviews/0                              | /reviews/[0-9]+                 | /reviews/12345 | /reviews/abc
			/orders/1234/items?limit=5                                 | /orders/[0-9]+/items(\\?.*)?    | /orders/9/items | /orders/x/items
			/users/3f2c1a9e-4b6d-4e8f-9a0b-1c2d3e4f5a6b                | /users/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12} | /users/00000000-0000-0000-0000-000000000000 | /users/me
			/blobs/deadbeef01                                          | /blobs/[0-9a-fA-F]+             | /blobs/0a1b2c3d4e5f | /blobs/zz
			/productpage                                               | /productpage                    | /productpage | /productpage/x
			/v1.0/health                                               | /v1\\.0/health                  | /v1.0/health | /v1x0/health
			http://10.128.0.4:9990/metrics                             | /metrics                        | /metrics | /metricsx
			/api/decade                                                | /api/decade                     | /api/decade | /api/deadbeef
			""")
	void pathShouldGeneraliseIdentifiersAndMatchWhatItStandsFor(String url, String regex, String matches,
			String doesNotMatch) {
		PathPatterns.PathPattern pattern = PathPatterns.of(url);
		assertThat(pattern.regex()).isEqualTo(regex);
		Pattern re2 = Pattern.compile(pattern.regex());
		assertThat(re2.matches(PathPatterns.pathOf(url))).as("matches the path it came from").isTrue();
		assertThat(re2.matches(matches)).isTrue();
		assertThat(re2.matches(doesNotMatch)).isFalse();
	}

}
