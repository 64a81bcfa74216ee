package dev.portcullis.engine.match;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SelectorKeyTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			''          | true
			a           | true
			web-1       | true
			a.b_c-d     | true
			A9          | true
			-web        | false
			web-        | false
			_web        | false
			web.        | false
			we b        | false
			web/1       | false
			web:1       | false
			wéb         | false
			""")
	void labelValuesFollowTheCrdPattern(String value, boolean valid) {
		assertThat(SelectorKey.isLabelValue(value)).isEqualTo(valid);
	}

	@Test
	void labelValuesHoldAtMost63Characters() {
		assertThat(SelectorKey.isLabelValue("a".repeat(63))).isTrue();
		assertThat(SelectorKey.isLabelValue("a".repeat(64))).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			app                               | true
			example.com/tier                  | true
			kubernetes.io/metadata.name       | true
			io.kubernetes.pod.namespace       | true
			''                                | false
			/tier                             | false
			example.com/                      | false
			Example.com/tier                  | false
			-example.com/tier                 | false
			a/b/c                             | false
			-app                              | false
			""")
	void labelKeysAreQualifiedNames(String key, boolean valid) {
		assertThat(SelectorKey.isQualifiedName(key)).isEqualTo(valid);
	}

	@Test
	void qualifiedNamesBoundTheirNameAndPrefix() {
		assertThat(SelectorKey.isQualifiedName("a".repeat(63))).isTrue();
		assertThat(SelectorKey.isQualifiedName("a".repeat(64))).isFalse();
		assertThat(SelectorKey.isQualifiedName("a".repeat(253) + "/app")).isTrue();
		assertThat(SelectorKey.isQualifiedName("a".repeat(254) + "/app")).isFalse();
	}

}
