package dev.portcullis.flow.sources;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.flow.sources.FlowSources.Settings;
import dev.portcullis.flow.sources.SourceRow.Kind;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.secrets.SecretBox;
import dev.portcullis.web.InvalidFields;
import dev.portcullis.web.NotFound;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Changes a workspace's sources (ADMIN only, checked here as well as by URL, docs/adr/010): validates the settings
 * ({@link SourceForms}), writes them, seals a new client key, and audits the change ({@code flow-source.save},
 * {@code flow-source.remove}) without the key. Followers pick the change up at their instance's next tick.
 */
@Component
class SourceChanges {

	static final String SAVE = "flow-source.save";

	static final String REMOVE = "flow-source.remove";

	private final FlowSources store;

	private final Workspaces workspaces;

	private final SecretBox secrets;

	private final SourceSettings settings;

	private final Permissions permissions;

	private final AuditLog audit;

	private final TransactionalOperator tx;

	SourceChanges(FlowSources store, Workspaces workspaces, SecretBox secrets, SourceSettings settings, Permissions permissions,
			AuditLog audit, org.springframework.transaction.ReactiveTransactionManager transactions) {
		this.store = store;
		this.workspaces = workspaces;
		this.secrets = secrets;
		this.settings = settings;
		this.permissions = permissions;
		this.audit = audit;
		this.tx = TransactionalOperator.create(transactions);
	}

	/** Settings that are refused: {@code /problems/invalid-flow-sources}. */
	static final InvalidFields.Subject SOURCES = new InvalidFields.Subject("invalid-flow-sources",
			"Invalid flow sources", "the flow sources");

	/** The relay and files settings of a workspace, null for "none". */
	Mono<Void> saveRelay(String workspace, SourceForms.@Nullable Relay relay, Actor by) {
		if (!by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, SAVE);
		}
		return this.tx.transactional(workspaceId(workspace).flatMap((ws) -> {
			if (relay == null) {
				return remove(ws, workspace, Kind.RELAY, by);
			}
			return this.store.of(workspace).filter((s) -> s.kind() == Kind.RELAY).next()
				.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
				.flatMap((existing) -> {
					boolean keyStored = existing.isPresent() && existing.get().clientKeySealed() != null;
					Map<String, String> errors = SourceForms.check(relay, keyStored);
					if (!errors.isEmpty()) {
						return Mono.error(SOURCES.of(errors));
					}
					Settings s = new Settings(Kind.RELAY, relay.enabled(), relay.address().strip(), relay.tls(),
							relay.serverName(), relay.ca(), relay.clientCertificate(), null, null);
					String key = relay.clientKey();
					boolean dropKey = !relay.tls() || relay.clientCertificate() == null;
					return this.store.save(ws, s, by.username()).flatMap((id) -> {
						Mono<Long> keyWrite = (key != null && !key.isEmpty() && !dropKey)
								? this.store.sealKey(id, this.secrets.seal(Long.toString(id), key))
								: ((key != null || dropKey) ? this.store.sealKey(id, null) : Mono.just(0L));
						Map<String, Object> details = new LinkedHashMap<>();
						details.put("kind", "relay");
						details.put("enabled", relay.enabled());
						details.put("address", relay.address().strip());
						details.put("tls", relay.tls());
						details.put("clientKey", (key != null && !key.isEmpty() && !dropKey) ? "replaced"
								: (key != null || dropKey) ? "none" : (keyStored ? "kept" : "none"));
						return keyWrite.then(record(by, SAVE, workspace, details));
					});
				});
		}));
	}

	Mono<Void> saveFiles(String workspace, SourceForms.@Nullable Files files, Actor by) {
		if (!by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, SAVE);
		}
		return this.tx.transactional(workspaceId(workspace).flatMap((ws) -> {
			if (files == null) {
				return remove(ws, workspace, Kind.FILES, by);
			}
			Map<String, String> errors = SourceForms.check(files, this.settings.fileRoots());
			if (!errors.isEmpty()) {
				return Mono.error(SOURCES.of(errors));
			}
			String directory = SourceForms.allowedDirectory(files.directory(), this.settings.fileRoots()).toString();
			Settings s = new Settings(Kind.FILES, files.enabled(), null, false, null, null, null, directory,
					files.fileName());
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("kind", "files");
			details.put("enabled", files.enabled());
			details.put("directory", directory);
			details.put("fileName", files.fileName());
			return this.store.save(ws, s, by.username()).then(record(by, SAVE, workspace, details));
		}));
	}

	List<String> fileRoots() {
		return this.settings.fileRoots();
	}

	private Mono<Void> remove(long ws, String workspace, Kind kind, Actor by) {
		return this.store.delete(ws, kind).flatMap((n) -> (n == 0) ? Mono.<Void>empty()
				: record(by, REMOVE, workspace, Map.of("kind", kind.column())));
	}

	/** The workspace's id, or {@link NotFound}. */
	Mono<Long> workspaceId(String workspace) {
		return this.workspaces.findId(workspace)
			.switchIfEmpty(Mono.error(() -> new NotFound("There is no such workspace.")));
	}

	private Mono<Void> record(Actor by, String action, String workspace, Map<String, Object> details) {
		return this.audit.record(new AuditLog.Event(by, action, AuditLog.Outcome.SUCCESS, "flow-sources", workspace,
				by.address(), details));
	}

}
