package dev.portcullis.inventory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.portcullis.engine.inventory.Inventory;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads a workspace's cluster state: the version in force at a moment (the newest imported at or before it), the
 * latest, and the list of versions. {@link #at(String, Instant)} is what evaluations of a workspace (what-if,
 * replay) hand to {@code CompiledPolicies.compile(policies, options, inventory)}.
 */
@Component
public class Inventories {

	private static final TypeReference<Map<String, Integer>> COUNTS = new TypeReference<>() {
	};

	/** The version in force at {@code :at} of workspace {@code :name}: the newest imported at or before it. */
	private static final String IN_FORCE = "FROM inventory_version v JOIN workspace w ON w.id = v.workspace_id"
			+ " WHERE w.name = :name AND v.created_at <= :at ORDER BY v.created_at DESC, v.version DESC LIMIT 1";

	private final DatabaseClient db;

	private final JsonMapper json;

	Inventories(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/**
	 * The workspace's cluster state at a moment, or empty when the workspace has none imported by then (or does
	 * not exist): the engine then says which verdicts are uncertain for want of it.
	 */
	public Mono<Inventory> at(String workspace, Instant moment) {
		return version(workspace, moment).map(InventoryVersion::inventory);
	}

	/**
	 * The version in force at a moment (the newest imported at or before it), or empty: {@link #at} with the
	 * version's number, for callers that keep what they computed from a version by that number.
	 */
	public Mono<InventoryVersion> version(String workspace, Instant moment) {
		return this.db.sql("SELECT v.*, w.name AS workspace " + IN_FORCE)
			.bind("name", workspace)
			.bind("at", OffsetDateTime.ofInstant(moment, java.time.ZoneOffset.UTC))
			.map(this::row)
			.one();
	}

	/** The number of the version in force at a moment (as {@link #version}), without reading the inventory; or empty. */
	public Mono<Integer> versionNumber(String workspace, Instant moment) {
		return this.db.sql("SELECT v.version " + IN_FORCE)
			.bind("name", workspace)
			.bind("at", OffsetDateTime.ofInstant(moment, java.time.ZoneOffset.UTC))
			.map((row) -> row.get("version", Integer.class))
			.one();
	}

	/**
	 * When the workspace's cluster state changed in {@code (from, to]}: the import time of each version created
	 * then, oldest first (empty when none, or when the workspace does not exist).
	 */
	public Flux<Instant> changes(String workspace, Instant from, Instant to) {
		return this.db.sql("SELECT v.created_at FROM inventory_version v JOIN workspace w ON w.id = v.workspace_id "
				+ "WHERE w.name = :name AND v.created_at > :from AND v.created_at <= :to ORDER BY v.created_at")
			.bind("name", workspace)
			.bind("from", OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC))
			.bind("to", OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC))
			.map((row) -> row.get("created_at", OffsetDateTime.class).toInstant())
			.all();
	}

	/** The latest version, or empty. */
	Mono<InventoryVersion> latest(String workspace) {
		return this.db.sql("SELECT v.*, w.name AS workspace FROM inventory_version v JOIN workspace w ON w.id = v.workspace_id "
				+ "WHERE w.name = :name ORDER BY v.version DESC LIMIT 1")
			.bind("name", workspace)
			.map(this::row)
			.one();
	}

	/** Every version's summary, newest first. */
	Flux<InventoryVersion.Summary> versions(String workspace) {
		return this.db.sql("SELECT v.version, v.author, v.message, v.created_at, v.counts FROM inventory_version v "
				+ "JOIN workspace w ON w.id = v.workspace_id WHERE w.name = :name ORDER BY v.version DESC")
			.bind("name", workspace)
			.map((row) -> new InventoryVersion.Summary(row.get("version", Integer.class), row.get("author", String.class),
					row.get("message", String.class), row.get("created_at", OffsetDateTime.class).toInstant(),
					counts(row.get("counts", Json.class))))
			.all();
	}

	/** Whether the workspace exists. */
	Mono<Boolean> workspaceExists(String workspace) {
		return this.db.sql("SELECT 1 FROM workspace WHERE name = :name")
			.bind("name", workspace)
			.map((row) -> Boolean.TRUE)
			.one()
			.defaultIfEmpty(Boolean.FALSE);
	}

	private InventoryVersion row(Readable row) {
		Inventory inventory = this.json.readerFor(Inventory.class)
			.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.readValue(row.get("inventory", Json.class).asString());
		return new InventoryVersion(row.get("workspace", String.class), row.get("version", Integer.class),
				row.get("author", String.class), row.get("message", String.class),
				row.get("created_at", OffsetDateTime.class).toInstant(), counts(row.get("counts", Json.class)),
				counts(row.get("ignored", Json.class)), inventory);
	}

	/** Counts by kind in the order of {@link Inventory#KINDS} (jsonb keeps keys in an order of its own), then others. */
	private Map<String, Integer> counts(Json value) {
		Map<String, Integer> stored = new java.util.TreeMap<>(this.json.readValue(value.asString(), COUNTS));
		Map<String, Integer> ordered = new LinkedHashMap<>();
		for (String kind : Inventory.KINDS) {
			Integer count = stored.remove(kind);
			if (count != null) {
				ordered.put(kind, count);
			}
		}
		ordered.putAll(stored);
		return ordered;
	}

}
