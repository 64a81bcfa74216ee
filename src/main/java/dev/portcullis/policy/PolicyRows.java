package dev.portcullis.policy;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

import dev.portcullis.engine.api.PolicyKind;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The store's rows as Java: a {@code policy} joined with one of its {@code policy_version}s read as a
 * {@link PolicySummary} or {@link PolicyVersion}, and labels to and from their {@code jsonb} column. Shared by
 * {@link Policies}, {@link PolicyChanges} and {@link BundleImport}.
 */
@Component
class PolicyRows {

	private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
	};

	/** The columns {@link #summary} reads, for {@code policy p} joined with {@code policy_version v}. */
	static final String SUMMARY_COLUMNS = "p.kind, p.namespace, p.name, v.version, v.deleted, v.created_at, "
			+ "v.author, v.message, v.labels, v.content_hash, v.warnings";

	private final DatabaseClient db;

	private final JsonMapper json;

	/** Reads {@code labels} jsonb; built once, as the list page reads fifty per request. */
	private final ObjectReader labelsReader;

	PolicyRows(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
		this.labelsReader = json.readerFor(LABELS);
	}

	/** Version {@code version} of the policy with id {@code policyId}; empty when there is none. */
	Mono<PolicyVersion> versionOf(long policyId, int version) {
		return this.db.sql("SELECT " + SUMMARY_COLUMNS + ", v.yaml, v.canonical FROM policy p JOIN policy_version v "
				+ "ON v.policy_id = p.id WHERE p.id = :id AND v.version = :version")
			.bind("id", policyId)
			.bind("version", version)
			.map(this::version)
			.one();
	}

	/** Version {@code version} of the policy {@code key} of workspace {@code ws}; empty when there is none. */
	Mono<PolicyVersion> versionAt(long ws, PolicyKey key, int version) {
		return this.db.sql("SELECT " + SUMMARY_COLUMNS + ", v.yaml, v.canonical FROM policy p JOIN policy_version v "
				+ "ON v.policy_id = p.id WHERE p.workspace_id = :ws AND p.kind = :kind AND p.namespace = :namespace "
				+ "AND p.name = :name AND v.version = :version")
			.bind("ws", ws)
			.bind("kind", key.kind().kindName())
			.bind("namespace", key.namespace())
			.bind("name", key.name())
			.bind("version", version)
			.map(this::version)
			.one();
	}

	/** A row of {@link #SUMMARY_COLUMNS}. */
	PolicySummary summary(Readable row) {
		PolicyKind kind = PolicyKey.kind(row.get("kind", String.class));
		return new PolicySummary(new PolicyKey(kind, row.get("namespace", String.class), row.get("name", String.class)),
				row.get("version", Integer.class), row.get("deleted", Boolean.class),
				row.get("created_at", OffsetDateTime.class).toInstant(), row.get("author", String.class),
				row.get("message", String.class), labels(row.get("labels", Json.class)),
				row.get("content_hash", String.class), row.get("warnings", Integer.class));
	}

	/** A row of {@link #SUMMARY_COLUMNS} with {@code yaml} and {@code canonical}. */
	PolicyVersion version(Readable row) {
		return new PolicyVersion(summary(row), row.get("yaml", String.class), row.get("canonical", String.class));
	}

	private Map<String, String> labels(@Nullable Json json) {
		if (json == null) {
			return Map.of();
		}
		String text = json.asString();
		return "{}".equals(text) ? Map.of() : this.labelsReader.readValue(text);
	}

	/** Labels as a {@code jsonb} value. */
	Json labelsJson(Map<String, String> labels) {
		return Json.of(labelsText(labels));
	}

	/** Labels as JSON text, keys sorted: the same labels always give the same text. */
	String labelsText(Map<String, String> labels) {
		return labels.isEmpty() ? "{}" : this.json.writeValueAsString(new TreeMap<>(labels));
	}

	/** A JSON object of one label, for {@code @>}. */
	Json labelJson(String key, String value) {
		return Json.of(this.json.writeValueAsString(Map.of(key, value)));
	}

}
