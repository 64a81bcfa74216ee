package dev.portcullis.flow;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CopyBinary} against real PostgreSQL: each value written in the binary COPY format reads back as the same
 * value written through PostgreSQL's text input (the format the flow store used before), so switching formats
 * changed no stored value: timestamps with nanoseconds (rounded as the text input rounds), IPv4, IPv6 and
 * IPv4-mapped addresses, arrays (empty, non-ASCII, quotes and backslashes), NUL characters, JSON with tabs and
 * non-ASCII text, nulls and 64-bit numbers.
 */
class CopyBinaryIntegrationTests {

	private static final String TABLE = "CREATE TEMP TABLE copy_binary (n bigint, i integer, b boolean, "
			+ "t timestamptz, ip inet, s text, a text[], j json)";

	@Test
	void binaryRowsShouldReadBackAsTheTextInputOfTheSameValues() throws Exception {
		List<Object[]> rows = new ArrayList<>();
		rows.add(new Object[] { Long.MAX_VALUE, 8080, true, "2021-07-08T09:10:11.469853493Z", "10.0.0.1",
				"coredns-7d8b8f4c6b-x2p9z", List.of("k8s:app=web", "k8s:io.kubernetes.pod.namespace=default"),
				"{\"flow\":{\"time\":\"2021-07-08T09:10:11.469853493Z\"}}" });
		rows.add(new Object[] { -1L, 0, false, "2026-12-05T00:00:00.999999500Z", "2001:db8::1", "n\u00e4me \"q\" \\",
				List.of("k8s:a=\u00fcber", "quote\"and\\backslash", "comma,{brace}"),
				"{\"a\":\t\"\u00e9t\u00e9 \u2603\", \"b\": [1, 2.5e3, null]}" });
		rows.add(new Object[] { 0L, 65535, null, "1999-12-31T23:59:59.000000500Z", "::ffff:1.2.3.4", "nul\0here",
				List.of(), "{}" });
		rows.add(new Object[] { 42L, 1, true, "2000-01-01T00:00:00Z", "fe80::a:b:c:d", null, List.of("nul\0x"),
				"[]" });
		rows.add(new Object[] { 7L, 2, false, "1970-01-01T00:00:00.000001Z", null, "", List.of(""), "\"s\"" });

		CopyBinary binary = new CopyBinary(16);
		for (Object[] row : rows) {
			binary.row(8).int8((Long) row[0]).int4((Integer) row[1]).bool((Boolean) row[2])
				.timestamptz(Instant.parse((String) row[3])).inet((String) row[4]).text((String) row[5]);
			@SuppressWarnings("unchecked")
			List<String> labels = (List<String>) row[6];
			byte[] json = ((String) row[7]).getBytes(StandardCharsets.UTF_8);
			binary.textArray(labels).raw(json, 0, json.length);
		}
		binary.finish();

		TestDatabase.Connection db = TestDatabase.get();
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				Statement s = c.createStatement()) {
			s.execute(TABLE);
			long copied = c.unwrap(PGConnection.class).getCopyAPI()
				.copyIn("COPY copy_binary FROM STDIN WITH (FORMAT binary)",
						new ByteArrayInputStream(binary.bytes(), 0, binary.length()));
			assertThat(copied).isEqualTo(rows.size());
			try (ResultSet r = s.executeQuery("SELECT n::text, i::text, b::text, t, ip::text, s, a::text, j::text "
					+ "FROM copy_binary")) {
				int index = 0;
				while (r.next()) {
					Object[] row = rows.get(index++);
					try (var expected = c.prepareStatement("SELECT ?::bigint::text, ?::integer::text, "
							+ "?::boolean::text, ?::timestamptz, ?::inet::text, ?::text, ?::text[]::text, ?::json::text")) {
						expected.setString(1, row[0].toString());
						expected.setString(2, row[1].toString());
						expected.setString(3, (row[2] != null) ? row[2].toString() : null);
						expected.setString(4, (String) row[3]);
						expected.setString(5, (String) row[4]);
						expected.setString(6, (row[5] != null) ? ((String) row[5]).replace('\0', '\uFFFD') : null);
						expected.setArray(7, c.createArrayOf("text", ((List<?>) row[6]).stream()
							.map((v) -> ((String) v).replace('\0', '\uFFFD')).toArray()));
						expected.setString(8, (String) row[7]);
						try (ResultSet e = expected.executeQuery()) {
							e.next();
							for (int column = 1; column <= 8; column++) {
								assertThat(r.getObject(column)).as("row %d column %d", index, column)
									.isEqualTo(e.getObject(column));
							}
						}
					}
				}
				assertThat(index).isEqualTo(rows.size());
			}
		}
	}

}
