package dev.portcullis.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.review.ChangeRequest;
import dev.portcullis.review.ChangeRequests;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * "Propose the live state as a change": reads what a target holds now ({@link TargetAdapter#live}) and opens a change
 * request (review's {@link ChangeRequests#propose}, so the workspace's protection rules and four-eyes review apply)
 * whose drafts are the live objects that differ from what was published, plus deletions for published objects that
 * are gone. A team accepts an out-of-band edit through review instead of overwriting it with the next publication.
 * A policy proposed in a pull request that is not merged yet (docs/adr/045) differs only when the target holds neither
 * the proposal nor what it held when the request was opened: an unmerged proposal is not an out-of-band edit.
 * Audited as {@code target.live-proposed} naming the change request.
 */
@Component
class LiveProposals {

	private final Targets targets;

	private final Publications publications;

	private final Adapters adapters;

	private final ChangeRequests changeRequests;

	private final AuditLog audit;

	LiveProposals(Targets targets, Publications publications, Adapters adapters, ChangeRequests changeRequests,
			AuditLog audit) {
		this.targets = targets;
		this.publications = publications;
		this.adapters = adapters;
		this.changeRequests = changeRequests;
		this.audit = audit;
	}

	/**
	 * Opens the change request (authors and up). {@link PublishRefused}: NOT_FOUND for an unknown workspace or
	 * target, CONFLICT when the target holds what was published; {@link PublishFailure} when the target cannot be
	 * read; review's problems (a protection rule, a draft that does not validate) as review answers them.
	 */
	Mono<ChangeRequest> propose(String workspace, String name, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return Mono.error(new PublishRefused(PublishRefused.Reason.CONFLICT, null,
					"Authors propose changes, and your role is " + by.role() + "."));
		}
		return this.targets.find(workspace, name).flatMap((row) -> Mono.zip(
				this.publications.publishedTo(row.id()).collectList(),
				this.publications.pending(row.id()).collectList())
			.flatMap((t) -> this.targets.open(row)
				.flatMap((target) -> this.adapters.run(() -> this.adapters.of(row.type()).live(target, t.getT1())))
				.flatMap((live) -> {
					Differences differences = differences(t.getT1(), live, t.getT2());
					if (differences.changes().isEmpty() && differences.deletes().isEmpty()) {
						return Mono.error(PublishRefused.conflict("Target " + name + " holds what was last published"
								+ " to it: there is nothing to propose."));
					}
					ChangeRequests.Proposal proposal = new ChangeRequests.Proposal(
							"Accept the live state of target " + name,
							"Proposed from target " + name + " (" + row.type() + "): what it holds now differs from what"
									+ " was last published to it in " + differences.refs().size() + " "
									+ ((differences.refs().size() == 1) ? "policy" : "policies") + ": "
									+ String.join(", ", differences.refs()) + ".",
							String.join("---\n", differences.changes()), differences.deletes());
					return this.changeRequests.propose(workspace, proposal, by)
						.flatMap((change) -> this.audit.record(new AuditLog.Event(by, "target.live-proposed",
								AuditLog.Outcome.SUCCESS, name, workspace, by.address(), Map.of("changeRequest",
										change.id(), "policies", differences.refs())))
							.thenReturn(change));
				})));
	}

	/** The live objects as drafts (those that differ from what was published) and deletions (those gone). */
	record Differences(List<String> changes, List<PolicyKey> deletes, List<String> refs) {
	}

	static Differences differences(List<DesiredObject> published, List<LiveObject> live) {
		return differences(published, live, List.of());
	}

	/**
	 * As {@link #differences(List, List)}, where a policy with an unmerged proposal ({@code pending}) also does not
	 * differ while the target holds what it held when the proposal was made (for a proposed creation: nothing).
	 */
	static Differences differences(List<DesiredObject> published, List<LiveObject> live,
			List<Publications.Pending> pending) {
		Map<String, DesiredObject> byRef = new LinkedHashMap<>();
		published.forEach((object) -> byRef.put(object.ref(), object));
		Map<String, Publications.Pending> proposed = new LinkedHashMap<>();
		pending.forEach((p) -> proposed.put(p.ref(), p));
		List<String> changes = new ArrayList<>();
		List<PolicyKey> deletes = new ArrayList<>();
		List<String> refs = new ArrayList<>();
		Load load = new Load(LoadSettings.builder().build());
		for (LiveObject object : live) {
			DesiredObject was = byRef.get(object.ref());
			Publications.Pending proposal = proposed.get(object.ref());
			if (object.yaml() == null && proposal != null && proposal.mergedYaml() == null) {
				continue;
			}
			if (object.yaml() == null) {
				deletes.add(PolicyKey.parse(object.kind(), object.namespace().isEmpty() ? PolicyKey.NO_NAMESPACE_SEGMENT
						: object.namespace(), object.name()));
				refs.add(object.ref());
				continue;
			}
			if (was != null && parsed(load, object.yaml()) instanceof Map<?, ?> map
					&& ObjectDiff.fields(was.object(), map).isEmpty()) {
				continue;
			}
			if (proposal != null && proposal.mergedYaml() != null && parsed(load, object.yaml()) instanceof Map<?, ?> map
					&& ObjectDiff.fields(Desired.of(object.kind(), object.namespace(), object.name(),
							proposal.mergedYaml()).object(), map).isEmpty()) {
				continue;
			}
			changes.add(object.yaml());
			refs.add(object.ref());
		}
		return new Differences(changes, deletes, refs);
	}

	/** The text's YAML, or null when it is not YAML (a hand-edited file): then it differs, and review says where. */
	private static @Nullable Object parsed(Load load, String yaml) {
		try {
			return load.loadFromString(yaml);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
