package dev.portcullis.audit;

import java.time.ZoneOffset;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads the audit log newest first, filtered, a page at a time (keyset on the id: a page is "older than the
 * last id of the previous one", so pages stay stable while new entries arrive).
 */
@Component
class AuditEntries {

	private final DatabaseClient db;

	AuditEntries(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * One page of entries.
	 *
	 * @param next the cursor of the following (older) page, null on the last page
	 */
	record Page(List<AuditLog.Entry> entries, @Nullable Long next) {
	}

	Mono<Page> find(AuditFilter filter) {
		StringBuilder sql = new StringBuilder("SELECT * FROM audit_event WHERE true");
		java.util.Map<String, Object> binds = new java.util.LinkedHashMap<>();
		if (filter.actor() != null) {
			sql.append(" AND actor = :actor");
			binds.put("actor", filter.actor());
		}
		if (filter.action() != null) {
			String action = filter.action();
			if (action.endsWith(".*") || action.endsWith(".")) {
				sql.append(" AND action LIKE :action");
				binds.put("action", escapeLike(action.substring(0, action.lastIndexOf('.') + 1)) + "%");
			}
			else {
				sql.append(" AND action = :action");
				binds.put("action", action);
			}
		}
		if (filter.outcome() != null) {
			sql.append(" AND outcome = :outcome");
			binds.put("outcome", filter.outcome().name());
		}
		if (filter.workspace() != null) {
			sql.append(" AND workspace = :workspace");
			binds.put("workspace", filter.workspace());
		}
		if (filter.since() != null) {
			sql.append(" AND occurred_at >= :since");
			binds.put("since", filter.since().atOffset(ZoneOffset.UTC));
		}
		if (filter.until() != null) {
			sql.append(" AND occurred_at < :until");
			binds.put("until", filter.until().atOffset(ZoneOffset.UTC));
		}
		if (filter.text() != null) {
			sql.append(" AND (target ILIKE :text OR details::text ILIKE :text OR actor ILIKE :text"
					+ " OR remote_address ILIKE :text)");
			binds.put("text", "%" + escapeLike(filter.text()) + "%");
		}
		if (filter.before() != null) {
			sql.append(" AND id < :before");
			binds.put("before", filter.before());
		}
		sql.append(" ORDER BY id DESC LIMIT :limit");
		binds.put("limit", filter.limit() + 1);
		DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql.toString());
		for (java.util.Map.Entry<String, Object> bind : binds.entrySet()) {
			spec = spec.bind(bind.getKey(), bind.getValue());
		}
		return spec.map(AuditLog::entry).all().collectList().map((rows) -> {
			if (rows.size() <= filter.limit()) {
				return new Page(rows, null);
			}
			List<AuditLog.Entry> page = rows.subList(0, filter.limit());
			return new Page(List.copyOf(page), page.get(page.size() - 1).id());
		});
	}

	private static String escapeLike(String text) {
		return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
	}

}
