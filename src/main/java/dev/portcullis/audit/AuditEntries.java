package dev.portcullis.audit;

import java.time.ZoneOffset;
import java.util.List;

import dev.portcullis.database.Query;
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
		Query sql = new Query("SELECT * FROM audit_event WHERE true");
		if (filter.actor() != null) {
			sql.append(" AND actor = :actor", "actor", filter.actor());
		}
		if (filter.action() != null) {
			String action = filter.action();
			if (action.endsWith(".*") || action.endsWith(".")) {
				sql.append(" AND action LIKE :action", "action",
						Query.startingWith(action.substring(0, action.lastIndexOf('.') + 1)));
			}
			else {
				sql.append(" AND action = :action", "action", action);
			}
		}
		if (filter.outcome() != null) {
			sql.append(" AND outcome = :outcome", "outcome", filter.outcome().name());
		}
		if (filter.workspace() != null) {
			sql.append(" AND workspace = :workspace", "workspace", filter.workspace());
		}
		if (filter.since() != null) {
			sql.append(" AND occurred_at >= :since", "since", filter.since().atOffset(ZoneOffset.UTC));
		}
		if (filter.until() != null) {
			sql.append(" AND occurred_at < :until", "until", filter.until().atOffset(ZoneOffset.UTC));
		}
		if (filter.text() != null) {
			sql.append(" AND (target ILIKE :text OR details::text ILIKE :text OR actor ILIKE :text"
					+ " OR remote_address ILIKE :text)", "text", Query.containing(filter.text()));
		}
		if (filter.before() != null) {
			sql.append(" AND id < :before", "before", filter.before());
		}
		sql.append(" ORDER BY id DESC LIMIT :limit", "limit", filter.limit() + 1);
		return sql.on(this.db).map(AuditLog::entry).all().collectList().map((rows) -> {
			if (rows.size() <= filter.limit()) {
				return new Page(rows, null);
			}
			List<AuditLog.Entry> page = rows.subList(0, filter.limit());
			return new Page(List.copyOf(page), page.get(page.size() - 1).id());
		});
	}

}
