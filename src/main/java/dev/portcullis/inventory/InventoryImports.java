package dev.portcullis.inventory;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.inventory.InventoryReadResult;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlProperties;
import io.r2dbc.postgresql.codec.Json;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Imports kubectl output as a workspace's next inventory version: all or nothing (any error refuses the whole text
 * with {@link InventoryRefused}), only the fields the engine needs kept. Needs the AUTHOR role (refusals audited as
 * {@code auth.denied}); a success is audited as {@code inventory.import} in the same transaction, a refused text as
 * {@code inventory.import} with outcome FAILURE. Reading the text runs on the engine pool.
 */
@Component
@EnableConfigurationProperties(YamlProperties.class)
public class InventoryImports {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final JsonMapper json;

	private final EnginePool engine;

	private final Permissions permissions;

	private final AuditLog audit;

	private final Inventories inventories;

	private final YamlLimits limits;

	InventoryImports(DatabaseClient db, ReactiveTransactionManager transactions, JsonMapper json, EnginePool engine,
			Permissions permissions, AuditLog audit, Inventories inventories, YamlProperties yaml) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.json = json;
		this.engine = engine;
		this.permissions = permissions;
		this.audit = audit;
		this.inventories = inventories;
		this.limits = yaml.limits();
	}

	/**
	 * Imports the text as the next version.
	 * @return the new version; empty when the workspace does not exist
	 */
	public Mono<InventoryVersion> run(String workspace, String text, String message, Actor actor) {
		if (!actor.has(Role.AUTHOR)) {
			return this.permissions.refuse(actor, Role.AUTHOR, "inventory.import");
		}
		return this.inventories.workspaceExists(workspace).flatMap((exists) -> {
			if (!exists) {
				return Mono.empty();
			}
			return this.engine.run(() -> InventoryText.read(text, this.limits)).flatMap((read) -> {
				if (read.hasErrors()) {
					Map<String, Object> details = new LinkedHashMap<>();
					details.put("refused", "invalid");
					details.put("errors", read.errors().size());
					return this.audit.record(new AuditLog.Event(actor, "inventory.import", AuditLog.Outcome.FAILURE, null,
							workspace, actor.address(), details))
						.then(Mono.error(new InventoryRefused(read.errors())));
				}
				return this.tx.transactional(write(workspace, read, message, actor));
			});
		});
	}

	private Mono<InventoryVersion> write(String workspace, InventoryReadResult read, String message, Actor actor) {
		Map<String, Integer> counts = read.inventory().counts();
		return this.db.sql("SELECT id FROM workspace WHERE name = :name FOR NO KEY UPDATE")
			.bind("name", workspace)
			.map((row) -> row.get("id", Long.class))
			.one()
			.flatMap((id) -> this.db
				.sql("INSERT INTO inventory_version (workspace_id, version, inventory, counts, ignored, author, message) "
						+ "SELECT :id, coalesce(max(version), 0) + 1, :inventory, :counts, :ignored, :author, :message "
						+ "FROM inventory_version WHERE workspace_id = :id RETURNING version")
				.bind("id", id)
				.bind("inventory", Json.of(this.json.writeValueAsString(read.inventory())))
				.bind("counts", Json.of(this.json.writeValueAsString(counts)))
				.bind("ignored", Json.of(this.json.writeValueAsString(read.ignoredKinds())))
				.bind("author", actor.username())
				.bind("message", message.strip())
				.map((row) -> row.get("version", Integer.class))
				.one())
			.flatMap((version) -> {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("version", version);
				details.put("counts", counts);
				details.put("ignored", read.ignored());
				return this.audit.record(new AuditLog.Event(actor, "inventory.import", AuditLog.Outcome.SUCCESS,
						"inventory v" + version, workspace, actor.address(), details)).thenReturn(version);
			})
			.flatMap((version) -> this.inventories.latest(workspace));
	}

}
