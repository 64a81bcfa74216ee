package dev.portcullis.replay;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.portcullis.simulation.StateUsed;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * What a replay found ({@code POST /api/v1/workspaces/{ws}/replay}): the stored flows of a window decided under a
 * baseline and a candidate state, and only what changes, grouped. Every list has a stable order, so the same
 * window and states give byte-identical JSON.
 *
 * @param flows the flows of the window (Hubble's aggregate counts summed: one stored row may stand for several)
 * @param distinct how many distinct tuples (what the engine looks at) they make; each was decided once per state
 * @param uncertain the flows whose verdict cannot be predicted under one of the states (see {@link #uncertainReasons})
 * @param coverage how complete the window is
 * @param changed the flows whose outcome changes, by kind (uncertain flows are not counted here)
 * @param groups the changes grouped by source workload, destination workload, port and L7 request: newly dropped
 *        first, then newly allowed, then L7 changes, each by flows (most first), then by name
 * @param uncertainReasons why flows are uncertain, with how many flows each reason covers, most first
 * @param timeline the changed flows over the window in {@code FlowTuples.BUCKETS} equal slices (empty for an empty
 *        window)
 * @param baseline the baseline state decided against
 * @param candidate the candidate state
 * @param sources what each state is, in words: where it came from (given, a change request, what is published)
 * @param note a sentence for an empty window, else absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "flows", "distinct", "uncertain", "coverage", "changed", "groups", "uncertainReasons", "timeline",
		"baseline", "candidate", "sources", "note" })
public record ReplayReport(long flows, long distinct, long uncertain, Coverage coverage, Changed changed,
		List<Group> groups, List<UncertainReason> uncertainReasons, List<Slice> timeline, StateUsed baseline,
		StateUsed candidate, @Nullable Sources sources, @Nullable String note) {

	public ReplayReport {
		groups = List.copyOf(groups);
		uncertainReasons = List.copyOf(uncertainReasons);
		timeline = List.copyOf(timeline);
	}

	/** This report with {@code sources} saying what its states are. */
	public ReplayReport withSources(Sources sources) {
		return new ReplayReport(this.flows, this.distinct, this.uncertain, this.coverage, this.changed, this.groups,
				this.uncertainReasons, this.timeline, this.baseline, this.candidate, sources, this.note);
	}

	/** Whether no flow changes. */
	public boolean unchanged() {
		return this.changed.newlyDropped() == 0 && this.changed.newlyAllowed() == 0 && this.changed.l7Changed() == 0;
	}

	/**
	 * How complete the window is.
	 *
	 * @param storedFlows stored rows in the window
	 * @param lostEvents Hubble's lost events (ring buffer overflows and the like) recorded in the window's minutes:
	 *        flows that happened but were never seen
	 * @param decidable the share of the flows whose verdicts could be predicted under both states (0 to 1, four
	 *        decimals; 1 for an empty window)
	 * @param first the earliest flow time, absent for an empty window
	 * @param last the latest flow time, absent for an empty window
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Coverage(long storedFlows, long lostEvents, double decidable, @Nullable Instant first,
			@Nullable Instant last) {
	}

	/**
	 * Changed flows by kind.
	 *
	 * @param newlyDropped allowed under the baseline, dropped at L3/L4 under the candidate
	 * @param newlyAllowed dropped at L3/L4 under the baseline, allowed under the candidate
	 * @param l7Changed the L7 answer changes (a request the proxy now denies, or no longer denies)
	 */
	public record Changed(long newlyDropped, long newlyAllowed, long l7Changed) {
	}

	/**
	 * One group of changed flows.
	 *
	 * @param change {@code newlyDropped}, {@code newlyAllowed} or {@code l7Changed}
	 * @param source the source workload ({@code namespace/workload}, or {@code reserved:world})
	 * @param destination the destination workload
	 * @param port the destination port, absent for ICMP and the like
	 * @param protocol {@code TCP}, {@code UDP}, ...
	 * @param l7 the L7 request ({@code GET http://api/v1/users}, {@code DNS example.com.}), absent for L3/L4 flows
	 * @param flows how many flows (aggregate counts summed)
	 * @param distinct how many distinct tuples the group holds
	 * @param firstSeen the earliest flow's time
	 * @param lastSeen the latest flow's time
	 * @param sample a stored flow of the group (the one of the group's largest tuple)
	 * @param baseline its verdict under the baseline, explained
	 * @param candidate its verdict under the candidate, explained
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Group(String change, String source, String destination, @Nullable Integer port,
			@Nullable String protocol, @Nullable String l7, long flows, long distinct, Instant firstSeen,
			Instant lastSeen, Sample sample, Verdict baseline, Verdict candidate) {
	}

	/**
	 * A stored flow.
	 *
	 * @param time its time
	 * @param id its id (with the time, its position in the flow log: {@code /api/v1/workspaces/{ws}/flows/{cursor}})
	 * @param flow the Hubble flow object as imported
	 */
	public record Sample(Instant time, long id, @JsonRawValue @JsonDeserialize(using = RawJson.class) String flow) {
	}

	/** Reads a raw JSON value back as its text (a report kept as JSON by a replay run). */
	public static final class RawJson extends ValueDeserializer<String> {

		@Override
		public String deserialize(JsonParser parser, DeserializationContext context) {
			return context.readTree(parser).toString();
		}

	}

	/**
	 * A verdict with its explanation.
	 *
	 * @param verdict {@code FORWARDED}, {@code DROPPED}, {@code AUDIT}
	 * @param dropReason {@code POLICY_DENIED}, {@code POLICY_DENY}, {@code AUTH_REQUIRED}, absent when not dropped
	 *        at L3/L4
	 * @param l7 what the client sees when the proxy denies the request, else absent
	 * @param summary one line saying why
	 * @param reasons what each side decided and why, then further notes
	 * @param rules the rules that decided (the allowing or denying rule of each side; for a default-deny drop, the
	 *        rules that made the side default-deny)
	 * @param uncertain why this verdict may be wrong, else absent
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Verdict(String verdict, @Nullable String dropReason, @Nullable String l7, @Nullable String summary,
			List<String> reasons, List<Rule> rules, @Nullable String uncertain) {

		public Verdict {
			reasons = List.copyOf(reasons);
			rules = List.copyOf(rules);
		}

	}

	/**
	 * A rule that took part in a verdict.
	 *
	 * @param policy {@code CiliumNetworkPolicy/default/web}
	 * @param direction {@code EGRESS} (at the source) or {@code INGRESS} (at the destination)
	 * @param rule where in the policy, {@code spec.ingress[0]}
	 * @param deny whether it is a deny rule
	 * @param defaultDeny whether it only made the side default-deny
	 */
	public record Rule(String policy, String direction, String rule, boolean deny, boolean defaultDeny) {
	}

	/**
	 * A reason flows are uncertain.
	 *
	 * @param reason the reason
	 * @param flows how many flows it covers
	 */
	public record UncertainReason(String reason, long flows) {
	}

	/**
	 * The changed flows in one slice of the window.
	 *
	 * @param from the slice's start
	 * @param until its end
	 * @param newlyDropped newly dropped flows seen in it
	 * @param newlyAllowed newly allowed flows
	 * @param l7Changed flows whose L7 answer changes
	 */
	public record Slice(Instant from, Instant until, long newlyDropped, long newlyAllowed, long l7Changed) {
	}

	/**
	 * What the two states are.
	 *
	 * @param baseline the baseline's source
	 * @param candidate the candidate's source
	 */
	public record Sources(Source baseline, Source candidate) {
	}

	/**
	 * Where a state came from.
	 *
	 * @param kind {@code latest}, {@code at}, {@code draft} (a draft, on the latest versions or a moment),
	 *        {@code published} or {@code changeRequest}
	 * @param description what it is, for people: {@code published state of 2026-12-05T06:00:00Z (target production)},
	 *        {@code latest versions (nothing published yet)}, {@code change request 7, revision 2: Lock details}
	 */
	public record Source(String kind, String description) {
	}

}
