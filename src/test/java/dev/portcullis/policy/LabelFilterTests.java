package dev.portcullis.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link LabelFilter}: the policy list's label selector. */
class LabelFilterTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "app=web|app|web", "app|app|", "app==web|app|web",
			"example.com/tier = db|example.com/tier|db", "app=|app|''" })
	void labelFiltersShouldReadKeyValueOrKey(String text, String key, String value) {
		LabelFilter filter = LabelFilter.parse(text);
		assertThat(filter.key()).isEqualTo(key);
		assertThat(filter.value()).isEqualTo(value);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "=web", "app=w b", "-app", "app=web,tier=db" })
	void labelFiltersShouldRefuseWhatIsNeitherForm(String text) {
		assertThatThrownBy(() -> LabelFilter.parse(text)).isInstanceOf(StoreException.BadRequest.class)
			.hasMessageContaining("is not valid");
	}

}
