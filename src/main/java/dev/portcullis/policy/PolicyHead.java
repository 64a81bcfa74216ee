package dev.portcullis.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The head of a policy as its {@code policy} row records it, read under a lock ({@code FOR UPDATE}) by a change that
 * writes the next version.
 *
 * @param id the policy's id
 * @param version its head version
 * @param deleted whether the head is a tombstone
 * @param hash the head's content hash
 */
record PolicyHead(long id, int version, boolean deleted, String hash) {

	/**
	 * The heads of those of {@code keys} that exist in workspace {@code ws}, by key; with {@code lock}, locked
	 * {@code FOR UPDATE} in id order, so that concurrent writers of overlapping sets lock in the same order.
	 */
	static Mono<Map<PolicyKey, PolicyHead>> of(DatabaseClient db, long ws, List<PolicyKey> keys, boolean lock) {
		if (keys.isEmpty()) {
			return Mono.just(new HashMap<>());
		}
		return db.sql("SELECT p.id, p.kind, p.namespace, p.name, p.head_version, p.head_deleted, p.head_hash "
				+ "FROM policy p JOIN unnest(CAST(:kinds AS text[]), CAST(:namespaces AS text[]), CAST(:names AS text[])) "
				+ "AS k(kind, namespace, name) ON p.kind = k.kind AND p.namespace = k.namespace AND p.name = k.name "
				+ "WHERE p.workspace_id = :ws ORDER BY p.id" + (lock ? " FOR UPDATE OF p" : ""))
			.bind("ws", ws)
			.bind("kinds", keys.stream().map((k) -> k.kind().kindName()).toArray(String[]::new))
			.bind("namespaces", keys.stream().map(PolicyKey::namespace).toArray(String[]::new))
			.bind("names", keys.stream().map(PolicyKey::name).toArray(String[]::new))
			.map((row) -> Map.entry(new PolicyKey(PolicyKey.kind(row.get("kind", String.class)),
					row.get("namespace", String.class), row.get("name", String.class)),
					new PolicyHead(row.get("id", Long.class), row.get("head_version", Integer.class),
							row.get("head_deleted", Boolean.class), row.get("head_hash", String.class))))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new);
	}

}
