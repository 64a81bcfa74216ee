package dev.portcullis.benchmark;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;

import dev.portcullis.TestDatabase;

/**
 * What the benchmarks that need millions of stored flows share: flows written straight into the {@code flow} table
 * in SQL, batch after batch (each benchmark says what its flows look like), and an HTTP call that insists on its
 * status.
 */
final class SqlFlows {

	private SqlFlows() {
	}

	/** The SQL that stores flows number {@code from} to {@code to - 1} of workspace {@code workspaceId}. */
	@FunctionalInterface
	interface Batch {

		String insert(long workspaceId, long from, long to);

	}

	/**
	 * Stores {@code flows} flows in the workspace: partitions from {@code days} days back to tomorrow, one
	 * {@code flow_upload} row (the newest, which the batches name), then one {@code batch} each {@code size} flows,
	 * then ANALYZE; answers the workspace's id. {@code labelSets} is a query whose one column gives every label set
	 * ({@code text[]}) the batches use: they are added to {@code flow_label_set} first, and the batches refer to them
	 * as {@code flow_label_set_id(ARRAY[...])}.
	 */
	static long fill(String ws, long flows, int days, long size, String labelSets, Batch batch) throws Exception {
		TestDatabase.Connection db = TestDatabase.get();
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				Statement s = c.createStatement()) {
			long id;
			try (var rs = s.executeQuery("SELECT id FROM workspace WHERE name = '" + ws + "'")) {
				rs.next();
				id = rs.getLong(1);
			}
			s.execute("SELECT flow_ensure_partitions(" + id + ", (now() - interval '" + days + " days')::date,"
					+ " now()::date + 1)");
			s.execute("INSERT INTO flow_upload (workspace_id, source, author) VALUES (" + id + ", 'upload', 'bench')");
			s.execute("INSERT INTO flow_label_set (id, labels) SELECT flow_label_set_id(l), l FROM (" + labelSets
					+ ") AS sets(l) ON CONFLICT (id) DO NOTHING");
			for (long from = 0; from < flows; from += size) {
				long to = Math.min(flows, from + size);
				s.execute(batch.insert(id, from, to));
				System.out.printf(Locale.ROOT, "stored %,d flows%n", to);
			}
			s.execute("ANALYZE flow");
			return id;
		}
	}

	/** Sends the request; its body, or an exception naming the status and the body's start when not {@code status}. */
	static String send(HttpClient http, HttpRequest request, int status) throws Exception {
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != status) {
			throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": "
					+ response.body().substring(0, Math.min(2000, response.body().length())));
		}
		return response.body();
	}

}
