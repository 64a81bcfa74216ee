package dev.portcullis.database;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/**
 * SQL put together from optional parts, each with the values it binds by name: for the searches whose conditions
 * depend on which filters are given (the policy list, the audit log). Values are always bound, never written into
 * the text; only the fixed SQL fragments the caller appends become text.
 * <p>
 * A query is built, then run once with {@link #on(DatabaseClient)}; it is not safe for use by several threads.
 */
public final class Query {

	private final StringBuilder sql;

	private final Map<String, Object> values = new LinkedHashMap<>();

	/** A query starting with {@code sql}. */
	public Query(String sql) {
		this.sql = new StringBuilder(sql);
	}

	/** Appends {@code sql}, which binds nothing new. */
	public Query append(String sql) {
		this.sql.append(sql);
		return this;
	}

	/** Appends {@code sql} and binds {@code :name} in it to {@code value}. */
	public Query append(String sql, String name, Object value) {
		return append(sql).bind(name, value);
	}

	/** Binds {@code :name} (in the text so far or still to come) to {@code value}; a later bind of a name wins. */
	public Query bind(String name, Object value) {
		this.values.put(name, value);
		return this;
	}

	/** The text so far. */
	public String sql() {
		return this.sql.toString();
	}

	/** The statement on {@code db}, every value bound. */
	public GenericExecuteSpec on(DatabaseClient db) {
		GenericExecuteSpec spec = db.sql(this.sql.toString());
		for (Map.Entry<String, Object> value : this.values.entrySet()) {
			spec = spec.bind(value.getKey(), value.getValue());
		}
		return spec;
	}

	/**
	 * The {@code LIKE}/{@code ILIKE} pattern that matches {@code text} anywhere: {@code %text%}, with {@code \},
	 * {@code %} and {@code _} in the text escaped so that they match themselves (PostgreSQL's default escape).
	 */
	public static String containing(String text) {
		return "%" + escapeLike(text) + "%";
	}

	/** The {@code LIKE} pattern that matches what starts with {@code prefix} (escaped as in {@link #containing}). */
	public static String startingWith(String prefix) {
		return escapeLike(prefix) + "%";
	}

	private static String escapeLike(String text) {
		return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
	}

}
