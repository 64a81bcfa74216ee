package dev.portcullis.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Query}: SQL from optional parts, and LIKE patterns that match their text literally. */
class QueryTests {

	@Test
	void partsShouldBeAppendedInOrder() {
		Query query = new Query("SELECT * FROM t WHERE true").append(" AND a = :a", "a", 1)
			.append(" ORDER BY id")
			.bind("unused", 2);
		assertThat(query.sql()).isEqualTo("SELECT * FROM t WHERE true AND a = :a ORDER BY id");
	}

	@Test
	void containingShouldEscapeTheWildcardsAndTheEscapeCharacter() {
		assertThat(Query.containing("web")).isEqualTo("%web%");
		assertThat(Query.containing("50%_off\\now")).isEqualTo("%50\\%\\_off\\\\now%");
	}

	@Test
	void startingWithShouldEscapeThePrefixAndMatchAnyRest() {
		assertThat(Query.startingWith("policy.")).isEqualTo("policy.%");
		assertThat(Query.startingWith("a_b%")).isEqualTo("a\\_b\\%%");
	}

}
