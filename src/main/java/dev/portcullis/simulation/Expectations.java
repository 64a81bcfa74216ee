package dev.portcullis.simulation;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.Quoted;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlProperties;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * A workspace's expectations document, versioned (docs/adr/024): read the latest or the version in force at a
 * moment, save a new version. Saving needs the AUTHOR role (a refusal is audited as {@code auth.denied}), is all or
 * nothing (a document with errors is refused with {@link ExpectationsRefused}, every problem with line and column,
 * and audited with outcome FAILURE), and names the version it was based on: without it while a version exists
 * 428, a stale one 412 (optimistic concurrency as the policy store has it; the workspace row is locked for the
 * check). A saved version is audited as {@code expectations.save} in the same transaction. Unknown workspaces fail
 * with {@link StoreException.NotFound}.
 */
@Component
@EnableConfigurationProperties(YamlProperties.class)
public class Expectations {

	private final DatabaseClient db;

	private final Workspaces workspaces;

	private final TransactionalOperator tx;

	private final EnginePool engine;

	private final Permissions permissions;

	private final AuditLog audit;

	private final YamlLimits limits;

	Expectations(DatabaseClient db, Workspaces workspaces, ReactiveTransactionManager transactions, EnginePool engine, Permissions permissions,
			AuditLog audit, YamlProperties yaml) {
		this.db = db;
		this.workspaces = workspaces;
		this.tx = TransactionalOperator.create(transactions);
		this.engine = engine;
		this.permissions = permissions;
		this.audit = audit;
		this.limits = yaml.limits();
	}

	/** A document with errors: 400 {@code /problems/invalid-expectations}, each violation with line and column. */
	public static final class ExpectationsRefused extends ApiProblem {

		private final ExpectationDocument.Reading reading;

		ExpectationsRefused(ExpectationDocument.Reading reading) {
			super(HttpStatus.BAD_REQUEST, "invalid-expectations", "Invalid expectations",
					reading.violations().size() + ((reading.violations().size() == 1) ? " problem" : " problems")
							+ " in the expectations; each names its path, line and column. Nothing was saved.",
					reading.violations());
			this.reading = reading;
		}

		/** The reading, with every problem. */
		public ExpectationDocument.Reading reading() {
			return this.reading;
		}

	}

	/** The latest version ({@link ExpectationVersion#none} when none was saved). */
	public Mono<ExpectationVersion> latest(String workspace) {
		return this.workspaces.id(workspace).flatMap((id) -> this.db
			.sql("SELECT * FROM expectation_version WHERE workspace_id = :id ORDER BY version DESC LIMIT 1")
			.bind("id", id)
			.map((row) -> row(workspace, row))
			.one()
			.defaultIfEmpty(ExpectationVersion.none(workspace)));
	}

	/** The version in force at {@code at} (null: the latest). */
	public Mono<ExpectationVersion> at(String workspace, @Nullable Instant at) {
		if (at == null) {
			return latest(workspace);
		}
		return this.workspaces.id(workspace).flatMap((id) -> this.db
			.sql("SELECT * FROM expectation_version WHERE workspace_id = :id AND created_at <= :at "
					+ "ORDER BY created_at DESC, version DESC LIMIT 1")
			.bind("id", id)
			.bind("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
			.map((row) -> row(workspace, row))
			.one()
			.defaultIfEmpty(ExpectationVersion.none(workspace)));
	}

	/** Reads a version's document (CPU work: on the engine pool); a stored document is valid. */
	public Mono<ExpectationDocument> document(ExpectationVersion version) {
		return this.engine.run(() -> {
			ExpectationDocument.Reading reading = ExpectationDocument.parse(version.text(), this.limits);
			if (!reading.isValid()) {
				throw new ExpectationsRefused(reading);
			}
			return reading.document();
		});
	}

	/**
	 * Saves {@code text} as the next version.
	 * @param expectedVersion the version the change is based on (0: none saved yet); null: none named
	 */
	public Mono<ExpectationVersion> save(String workspace, String text, @Nullable Integer expectedVersion,
			String message, Actor actor) {
		if (!actor.has(Role.AUTHOR)) {
			return this.permissions.refuse(actor, Role.AUTHOR, "expectations.save");
		}
		return this.workspaces.id(workspace)
			.flatMap((id) -> this.engine.run(() -> ExpectationDocument.parse(text, this.limits)).flatMap((reading) -> {
				if (!reading.isValid()) {
					Map<String, Object> details = new LinkedHashMap<>();
					details.put("refused", "invalid");
					details.put("errors", reading.violations().size());
					return this.audit.record(new AuditLog.Event(actor, "expectations.save", AuditLog.Outcome.FAILURE,
							null, workspace, actor.address(), details))
						.then(Mono.<ExpectationVersion>error(new ExpectationsRefused(reading)));
				}
				return this.tx.transactional(write(id, workspace, text, reading.document(), expectedVersion,
						message.strip(), actor));
			}));
	}

	private Mono<ExpectationVersion> write(long id, String workspace, String text, ExpectationDocument document,
			@Nullable Integer expectedVersion, String message, Actor actor) {
		return this.db.sql("SELECT id FROM workspace WHERE id = :id FOR NO KEY UPDATE")
			.bind("id", id)
			.map((row) -> row.get("id", Long.class))
			.one()
			.then(this.db.sql("SELECT coalesce(max(version), 0) AS current FROM expectation_version WHERE workspace_id = :id")
				.bind("id", id)
				.map((row) -> row.get("current", Integer.class))
				.one())
			.flatMap((current) -> {
				if (expectedVersion == null && current > 0) {
					return Mono.error(ApiProblem.of(HttpStatus.PRECONDITION_REQUIRED, "precondition-required",
							"Precondition required", "The expectations of " + Quoted.of(workspace) + " exist at version "
									+ current + ": send If-Match: \"" + current + "\" with the version your change is based on.")
						.header(HttpHeaders.ETAG, "\"" + current + "\""));
				}
				if (expectedVersion != null && expectedVersion.intValue() != current) {
					return Mono.error(ApiProblem.of(HttpStatus.PRECONDITION_FAILED, "version-conflict", "Version conflict",
							"The expectations are at version " + current + ", not " + expectedVersion
									+ ": read them again and repeat your change on top.")
						.property("expectedVersion", expectedVersion)
						.header(HttpHeaders.ETAG, "\"" + current + "\""));
				}
				return this.db.sql("INSERT INTO expectation_version (workspace_id, version, document, expectations, author, "
						+ "message) VALUES (:id, :version, :document, :count, :author, :message) RETURNING *")
					.bind("id", id)
					.bind("version", current + 1)
					.bind("document", text)
					.bind("count", document.expectations().size())
					.bind("author", actor.username())
					.bind("message", message)
					.map((row) -> row(workspace, row))
					.one();
			})
			.flatMap((saved) -> {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("version", saved.version());
				details.put("expectations", saved.expectations());
				return this.audit.record(new AuditLog.Event(actor, "expectations.save", AuditLog.Outcome.SUCCESS,
						"expectations v" + saved.version(), workspace, actor.address(), details)).thenReturn(saved);
			});
	}

	private static ExpectationVersion row(String workspace, Readable row) {
		return new ExpectationVersion(workspace, row.get("version", Integer.class), row.get("document", String.class),
				row.get("expectations", Integer.class), row.get("author", String.class), row.get("message", String.class),
				row.get("created_at", OffsetDateTime.class).toInstant());
	}

}
