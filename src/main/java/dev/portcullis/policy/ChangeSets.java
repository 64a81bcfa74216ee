package dev.portcullis.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlProperties;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Changes of several policies at once, as a change request carries them (docs/adr/031): a bundle of policies to
 * create or change plus policies to delete, each recorded with the head version it is based on. {@link #read}
 * validates one and records its bases; {@link #merge} writes it, all or nothing, in one transaction (joining the
 * caller's), each new version linked to the change request. Merging is the one way policies of a protected workspace
 * change ({@link ProtectedWorkspaces}).
 * <p>
 * Errors arrive in the returned publisher: {@link StoreException.Invalid} with line and column when the bundle is not
 * valid (for the workspace's Cilium version), {@link StoreException.BadRequest} for nothing to change, a policy both
 * changed and deleted, or a delete of a policy that does not exist, {@link StoreException.NotFound} for an unknown
 * workspace, {@link StoreException.BaseMoved} when a merge finds a head other than its base.
 */
@Component
public class ChangeSets {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Workspaces workspaces;

	private final PolicyChanges changes;

	private final StoreAudit audit;

	private final PolicyRows rows;

	private final Permissions permissions;

	private final EnginePool engine;

	private final WorkspaceSettings settings;

	private final YamlLimits limits;

	ChangeSets(DatabaseClient db, ReactiveTransactionManager transactions, Workspaces workspaces, PolicyChanges changes,
			StoreAudit audit, PolicyRows rows, Permissions permissions, EnginePool engine, WorkspaceSettings settings,
			YamlProperties yaml, BundleImport.Settings bundles) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.workspaces = workspaces;
		this.changes = changes;
		this.audit = audit;
		this.rows = rows;
		this.permissions = permissions;
		this.engine = engine;
		this.settings = settings;
		this.limits = yaml.limits()
			.withMaxInputChars(bundles.importMaxChars())
			.withMaxDocuments(bundles.importMaxDocuments())
			.withMaxNodes(bundles.importMaxNodes());
	}

	/**
	 * A policy a change touches.
	 *
	 * @param key the policy
	 * @param deleted whether the change deletes it (else the bundle creates or changes it)
	 * @param base the head version the change is based on; null when the policy did not exist
	 */
	public record Touched(PolicyKey key, boolean deleted, @Nullable Integer base) {
	}

	/**
	 * A policy whose head is no longer the change's base.
	 *
	 * @param key the policy
	 * @param base the version the change was based on (null: it did not exist)
	 * @param current its head now (null: it does not exist)
	 * @param currentDeleted whether the head now is a deletion
	 */
	public record Moved(PolicyKey key, @Nullable Integer base, @Nullable Integer current, boolean currentDeleted) {

		@Override
		public String toString() {
			return this.key + " (based on " + ((this.base != null) ? "version " + this.base : "no version")
					+ ", now " + ((this.current != null) ? "version " + this.current
							+ (this.currentDeleted ? ", deleted" : "") : "absent") + ")";
		}

	}

	/**
	 * Validates a change: {@code changes} (a bundle, may be blank when there are deletes) for the workspace's Cilium
	 * version, and {@code deletes} against the live policies. Answers every touched policy, in key order, with its
	 * head now as the base.
	 */
	public Mono<List<Touched>> read(String workspace, String changes, List<PolicyKey> deletes) {
		return parse(workspace, changes).flatMap((parsed) -> {
			Set<PolicyKey> deleted = new LinkedHashSet<>(deletes);
			for (PolicyKey key : deleted) {
				if (parsed.containsKey(key)) {
					return Mono.error(new StoreException.BadRequest(key + " is both changed and deleted; do one."));
				}
			}
			if (parsed.isEmpty() && deleted.isEmpty()) {
				return Mono.error(new StoreException.BadRequest(
						"A change request changes or deletes at least one policy; this one does neither."));
			}
			List<PolicyKey> keys = new ArrayList<>(parsed.keySet());
			keys.addAll(deleted);
			return this.workspaces.id(workspace).flatMap((ws) -> heads(ws, keys, false)).flatMap((heads) -> {
				List<Touched> touched = new ArrayList<>();
				for (PolicyKey key : keys) {
					PolicyHead head = heads.get(key);
					if (deleted.contains(key) && (head == null || head.deleted())) {
						return Mono.error(new StoreException.BadRequest("Cannot delete " + key + ": "
								+ ((head == null) ? "it does not exist." : "it is deleted already.")));
					}
					touched.add(new Touched(key, deleted.contains(key), (head != null) ? head.version() : null));
				}
				touched.sort(Comparator.comparing(Touched::key));
				return Mono.just(touched);
			});
		});
	}

	/**
	 * What a change does to one policy: its text at the base and as the change leaves it (canonical forms; empty for
	 * a policy that did not exist or is deleted), their line diff and structural summary, and the engine's warnings
	 * of the new text (lint included).
	 *
	 * @param touched the policy, whether it is deleted and its base
	 * @param before the base version's canonical text, "" when there was none
	 * @param after the canonical text the change writes, "" for a delete
	 * @param lines both texts aligned; line numbers of "after" are what line comments name
	 * @param changes rules, peers, ports and L7 rules added, removed or changed
	 */
	public record PolicyChange(Touched touched, String before, String after, String unified,
			List<PolicyDiff.Line> lines, List<PolicyDiff.Change> changes, List<Violation> warnings) {

		public PolicyChange {
			lines = List.copyOf(lines);
			changes = List.copyOf(changes);
			warnings = List.copyOf(warnings);
		}

	}

	/**
	 * Each touched policy's change, in the order of {@code touched}: the base version read from the store, the new
	 * text from {@code changes} (validated again, on the engine pool); {@link StoreException.Invalid} when it no
	 * longer validates.
	 */
	public Mono<List<PolicyChange>> diffs(String workspace, String changes, List<Touched> touched) {
		return parse(workspace, changes).flatMap((parsed) -> this.workspaces.id(workspace)
			.flatMap((ws) -> Flux.fromIterable(touched)
				.concatMap((t) -> (t.base() == null) ? Mono.just("")
						: this.rows.versionAt(ws, t.key(), t.base()).map(PolicyVersion::canonicalYaml).defaultIfEmpty(""))
				.collectList())
			.flatMap((befores) -> this.engine.run(() -> {
				List<PolicyChange> all = new ArrayList<>(touched.size());
				for (int i = 0; i < touched.size(); i++) {
					Touched t = touched.get(i);
					PolicyText.Parsed next = parsed.get(t.key());
					String after = (t.deleted() || next == null) ? "" : next.canonical();
					String before = befores.get(i);
					LineDiff lines = LineDiff.between(before, after, "a/" + t.key().path(), "b/" + t.key().path());
					List<PolicyDiff.Change> structural;
					try {
						structural = (before.isEmpty() || after.isEmpty()) ? List.of()
								: StructuralDiff.between(before, after);
					}
					catch (RuntimeException ex) {
						structural = List.of();
					}
					all.add(new PolicyChange(t, before, after, lines.unified(), lines.lines(), structural,
							(next != null) ? next.warnings() : List.of()));
				}
				return all;
			})));
	}

	/**
	 * The versions a merge of change request {@code changeRequest} wrote in {@code workspace} (each linked to it), in
	 * kind, namespace and name order; none when it was not merged.
	 */
	public Flux<PolicySummary> mergedBy(String workspace, long changeRequest) {
		return this.workspaces.id(workspace)
			.flatMapMany((ws) -> this.db.sql("SELECT " + PolicyRows.SUMMARY_COLUMNS + " FROM policy p JOIN "
					+ "policy_version v ON v.policy_id = p.id WHERE p.workspace_id = :ws AND v.change_request_id = :id "
					+ "ORDER BY p.kind, p.namespace, p.name, v.version")
				.bind("ws", ws)
				.bind("id", changeRequest)
				.map(this.rows::summary)
				.all());
	}

	/** The touched policies whose head is no longer their base, in key order; empty when none moved. */
	public Mono<List<Moved>> moved(String workspace, List<Touched> touched) {
		return this.workspaces.id(workspace)
			.flatMap((ws) -> heads(ws, touched.stream().map(Touched::key).toList(), false))
			.map((heads) -> moved(touched, heads));
	}

	/**
	 * Writes a change as new versions in one transaction (the caller's, when it has one), each version linked to
	 * {@code changeRequest}: the bundle's policies created or changed (one whose content equals its head is left as
	 * it is), the deletes as tombstones. The heads are locked in id order; when any is not its recorded base, nothing
	 * is written and {@link StoreException.BaseMoved} names them all.
	 *
	 * @param changes the bundle, as {@link #read} validated it
	 * @param touched what {@link #read} answered when the change was recorded
	 * @return the versions written, in key order
	 */
	public Mono<List<PolicyVersion>> merge(String workspace, String changes, List<Touched> touched, long changeRequest,
			String message, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "policy.merge");
		}
		return parse(workspace, changes).flatMap((parsed) -> this.tx.transactional(this.workspaces.id(workspace)
			.flatMap((ws) -> heads(ws, touched.stream().map(Touched::key).toList(), true).flatMap((heads) -> {
				List<Moved> moved = moved(touched, heads);
				if (!moved.isEmpty()) {
					return Mono.error(new StoreException.BaseMoved("The change is based on versions that are no longer"
							+ " the latest: " + String.join("; ", moved.stream().map(Moved::toString).toList())
							+ ". Revise the change on top of what is there now.", moved));
				}
				return Flux.fromIterable(touched)
					.concatMap((t) -> write(ws, t, heads.get(t.key()), parsed.get(t.key()), changeRequest, message, by))
					.collectList();
			}))
			.flatMap((written) -> {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("changeRequest", changeRequest);
				details.put("versions", written.stream().map((v) -> v.key() + "@" + v.version()).toList());
				return this.audit.record(by, "policy.merge", null, workspace, details).thenReturn(written);
			})));
	}

	private Mono<PolicyVersion> write(long ws, Touched touched, @Nullable PolicyHead head,
			PolicyText.@Nullable Parsed parsed, long changeRequest, String message, Actor by) {
		PolicyKey key = touched.key();
		if (touched.deleted()) {
			return this.changes.append(head, key, PolicyChanges.Content.TOMBSTONE, message, by, changeRequest);
		}
		if (parsed == null) {
			return Mono.error(new StoreException.BadRequest(key + " is no longer in the change's text under the "
					+ "workspace's Cilium version; revise the change."));
		}
		if (head == null) {
			return this.changes.create(ws, key, PolicyChanges.Content.of(parsed), message, by, changeRequest)
				.switchIfEmpty(Mono.error(() -> new StoreException.BaseMoved(key + " was created by someone else "
						+ "meanwhile. Revise the change on top of it.", List.of(new Moved(key, null, 1, false)))));
		}
		if (!head.deleted() && head.hash().equals(parsed.hash())) {
			return Mono.empty();
		}
		return this.changes.append(head, key, PolicyChanges.Content.of(parsed), message, by, changeRequest);
	}

	private static List<Moved> moved(List<Touched> touched, Map<PolicyKey, PolicyHead> heads) {
		List<Moved> moved = new ArrayList<>();
		for (Touched t : touched) {
			PolicyHead head = heads.get(t.key());
			Integer current = (head != null) ? head.version() : null;
			if (!java.util.Objects.equals(current, t.base())) {
				moved.add(new Moved(t.key(), t.base(), current, head != null && head.deleted()));
			}
		}
		moved.sort(Comparator.comparing(Moved::key));
		return moved;
	}

	/** The bundle's valid policies by key; {@link StoreException.Invalid} with every error when it has any. */
	private Mono<Map<PolicyKey, PolicyText.Parsed>> parse(String workspace, String changes) {
		if (changes.isBlank()) {
			return this.workspaces.id(workspace).thenReturn(Map.of());
		}
		if (changes.length() > this.limits.maxInputChars()) {
			return Mono.error(new StoreException.TooLarge("The change has " + changes.length() + " characters; at most "
					+ this.limits.maxInputChars() + " are accepted."));
		}
		return this.settings.current(workspace)
			.flatMap((current) -> this.engine.run(() -> Bundle.read(changes, this.limits,
					current.settings().ciliumVersion())))
			.flatMap((bundle) -> {
				if (!bundle.acceptable()) {
					List<Violation> errors = new ArrayList<>(bundle.problems());
					bundle.entries().forEach((e) -> e.violations().stream().filter(Violation::isError).forEach(errors::add));
					String first = errors.stream().filter(Violation::isError).findFirst()
						.map((v) -> ((v.line() > 0) ? "line " + v.line() + ", column " + v.column() + ": " : "")
								+ v.message())
						.orElse("the text could not be read.");
					return Mono.error(new StoreException.Invalid("The change's policies are not valid: " + first, errors));
				}
				Map<PolicyKey, PolicyText.Parsed> parsed = new LinkedHashMap<>();
				bundle.entries().forEach((e) -> parsed.put(e.parsed().key(), e.parsed()));
				return Mono.just(parsed);
			});
	}

	/** The heads of those of {@code keys} that exist, by key, locked in id order when {@code lock}. */
	private Mono<Map<PolicyKey, PolicyHead>> heads(long ws, List<PolicyKey> keys, boolean lock) {
		return PolicyHead.of(this.db, ws, keys, lock);
	}

}
