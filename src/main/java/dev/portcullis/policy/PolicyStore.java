package dev.portcullis.policy;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The versioned policy store: workspaces, and in each the policies (CiliumNetworkPolicy,
 * CiliumClusterwideNetworkPolicy, NetworkPolicy) identified by {@link PolicyKey}, each kept as an append-only list
 * of versions. Every change writes a new version (a delete writes a tombstone) and an audit event in one
 * transaction; nothing is ever overwritten or removed.
 * <p>
 * Errors arrive as {@link StoreException}s in the returned publisher: {@link StoreException.NotFound} for an unknown
 * workspace, policy or version; {@link StoreException.Invalid} with the engine's violations;
 * {@link StoreException.Conflict} when the expected version is not the head; {@link StoreException.ImportRefused}
 * with the per-document report; {@link StoreException.BadRequest} for other bad input. A refused change writes
 * nothing.
 * <p>
 * Optimistic concurrency: a change names the head version it was based on ({@code expectedVersion}); if another
 * change got in first it fails with a conflict that carries the current head, so no work is silently lost.
 */
@Component
public class PolicyStore {

	// ---------------------------------------------------------------- workspaces

	/**
	 * Creates a workspace.
	 * @param name a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or
	 * digit); {@link StoreException.BadRequest} otherwise, {@link StoreException.AlreadyExists} when taken
	 * @param description free text, may be empty
	 */
	public Mono<Workspace> createWorkspace(String name, String description, Requester by) {
		return Mono.error(new UnsupportedOperationException());
	}

	/** All workspaces, by name. */
	public Flux<Workspace> workspaces() {
		return Flux.error(new UnsupportedOperationException());
	}

	/** The workspace, or empty when there is none by that name. */
	public Mono<Workspace> workspace(String name) {
		return Mono.error(new UnsupportedOperationException());
	}

	// ---------------------------------------------------------------- reading

	/**
	 * A page of the policies of a workspace (each at its head, or as of {@link PolicyQuery#at()}), ordered by
	 * namespace, name, kind. Keyset pagination: a page's cursor continues after its last key, so inserts and deletes
	 * between pages neither repeat nor skip the policies that were there before.
	 */
	public Mono<Page<PolicySummary>> list(String workspace, PolicyQuery query) {
		return Mono.error(new UnsupportedOperationException());
	}

	/**
	 * The policy at its head (which may be a tombstone), or as of {@code at} (its latest version created at or before
	 * it; {@link StoreException.NotFound} when it did not exist yet).
	 */
	public Mono<PolicyVersion> get(String workspace, PolicyKey key, @Nullable Instant at) {
		return Mono.error(new UnsupportedOperationException());
	}

	/** One version of a policy. */
	public Mono<PolicyVersion> version(String workspace, PolicyKey key, int version) {
		return Mono.error(new UnsupportedOperationException());
	}

	/**
	 * A page of a policy's versions, newest first.
	 * @param cursor {@link Page#nextCursor()} of the previous page, null for the newest
	 * @param limit page size, 1 to {@link PolicyQuery#MAX_LIMIT}
	 */
	public Mono<Page<PolicySummary>> history(String workspace, PolicyKey key, @Nullable String cursor, int limit) {
		return Mono.error(new UnsupportedOperationException());
	}

	/** The difference between two versions of a policy (either order; a tombstone compares as empty text). */
	public Mono<PolicyDiff> diff(String workspace, PolicyKey key, int fromVersion, int toVersion) {
		return Mono.error(new UnsupportedOperationException());
	}

	/** Every policy that existed (not deleted) at {@code at}, at its version then, in export order. */
	public Flux<PolicySummary> snapshot(String workspace, Instant at) {
		return Flux.error(new UnsupportedOperationException());
	}

	/** The policies added, removed or changed between two moments. */
	public Mono<WorkspaceComparison> compare(String workspace, Instant from, Instant to) {
		return Mono.error(new UnsupportedOperationException());
	}

	// ---------------------------------------------------------------- writing

	/**
	 * Validates one policy object with the engine and saves it as a new version.
	 * @param key when not null, the text must name this policy ({@link StoreException.BadRequest} otherwise)
	 * @param yaml one policy object, YAML or JSON, as the author wrote it; kept as written
	 * @param expectedVersion the head version this change is based on; null to create: then the policy must not exist
	 * or be deleted, else {@link StoreException.Conflict}
	 * @param message why, may be empty
	 * @return {@link SaveResult.Outcome#CREATED}, {@link SaveResult.Outcome#UPDATED}, or
	 * {@link SaveResult.Outcome#UNCHANGED} when the canonical form equals the head's (nothing written)
	 */
	public Mono<SaveResult> save(String workspace, @Nullable PolicyKey key, String yaml,
			@Nullable Integer expectedVersion, String message, Requester by) {
		return Mono.error(new UnsupportedOperationException());
	}

	/**
	 * Deletes a policy by writing a tombstone version. {@link StoreException.Conflict} when {@code expectedVersion}
	 * is not the head or the head is a tombstone already.
	 */
	public Mono<SaveResult> delete(String workspace, PolicyKey key, int expectedVersion, String message,
			Requester by) {
		return Mono.error(new UnsupportedOperationException());
	}

	/**
	 * Writes the content of an earlier version as a new version: undoes a delete, or rolls back a change.
	 * @param fromVersion the version whose content to restore; null for the latest version that is not a tombstone
	 * @param expectedVersion the head version this change is based on
	 */
	public Mono<SaveResult> restore(String workspace, PolicyKey key, @Nullable Integer fromVersion,
			int expectedVersion, String message, Requester by) {
		return Mono.error(new UnsupportedOperationException());
	}

	/**
	 * Imports a bundle: a multi-document YAML stream, {@code kind: List} objects included (as
	 * {@code kubectl get cnp,ccnp,netpol -A -o yaml} writes), cluster-set fields stripped. All or nothing: when any
	 * object is invalid or a duplicate of another, nothing is written and {@link StoreException.ImportRefused}
	 * carries the report; otherwise every changed object gets a new version, in one transaction, and the report says
	 * what happened to each. Policies of the workspace that the bundle does not name are left as they are.
	 */
	public Mono<ImportReport> importBundle(String workspace, String yaml, String message, Requester by) {
		return Mono.error(new UnsupportedOperationException());
	}

	/**
	 * The workspace (now, or as of {@code at}) as one multi-document YAML stream that {@code kubectl apply -f}
	 * accepts: each live policy's canonical form, sorted by kind, namespace, name, separated by {@code ---}. The same
	 * state always gives the same bytes. Audited as {@code workspace.export}.
	 */
	public Mono<String> export(String workspace, @Nullable Instant at, Requester by) {
		return Mono.error(new UnsupportedOperationException());
	}

}
