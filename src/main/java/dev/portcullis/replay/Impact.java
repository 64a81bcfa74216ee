package dev.portcullis.replay;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.flow.query.FlowTuples;
import dev.portcullis.flow.query.FlowTuples.FlowTuple;
import dev.portcullis.hubble.FlowReader;
import dev.portcullis.simulation.Scenario;
import org.jspecify.annotations.Nullable;

/**
 * Decides the tuples of a window under two states and keeps what changes (CPU work: run it on the engine pool).
 * Each tuple is decided once per state; only the tuple that represents a group is explained.
 * <p>
 * A tuple is uncertain, and left out of the changes, when either state's verdict cannot be predicted: the engine
 * says so ({@link Decision#uncertain()}: cluster state it was not given), an L7 rule applies to a flow observed
 * without L7 visibility (the proxy's answer to its requests is unknown), a {@code toFQDNs} rule could allow a flow
 * to the world whose stored record carries no DNS name, or the stored flow cannot be read as an engine flow.
 */
final class Impact {

	static final String NEWLY_DROPPED = "newlyDropped";

	static final String NEWLY_ALLOWED = "newlyAllowed";

	static final String L7_CHANGED = "l7Changed";

	private static final List<String> ORDER = List.of(NEWLY_DROPPED, NEWLY_ALLOWED, L7_CHANGED);

	static final String NO_L7_VISIBILITY = "an L7 rule applies to the connection and the flow was observed without"
			+ " L7 visibility: the proxy's answer to its requests is unknown";

	static final String NO_DNS_NAME = "a toFQDNs rule could allow it, but the stored flow carries no DNS name for"
			+ " the destination";

	static final String HEADERS_NOT_GROUPED = "a policy matches HTTP headers, and the stored flows of this group may"
			+ " carry other headers than the one decided";

	private Impact() {
	}

	/** A tuple decided under both states. */
	private record Decided(FlowTuple tuple, Flow flow, Decision baseline, Decision candidate, String change,
			@Nullable String l7) {
	}

	static ReplayReport report(FlowTuples.Window window, Scenario baseline, Scenario candidate,
			ReplayProgress progress) {
		boolean baselineFqdn = hasFqdnRules(baseline.policies());
		boolean candidateFqdn = hasFqdnRules(candidate.policies());
		boolean headerRules = hasHeaderRules(baseline.policies()) || hasHeaderRules(candidate.policies());
		FlowReader reader = new FlowReader();
		Map<String, Long> uncertainReasons = new HashMap<>();
		long uncertain = 0;
		List<Decided> changed = new ArrayList<>();
		for (FlowTuple tuple : window.tuples()) {
			progress.decidedOne();
			Flow flow = read(reader, tuple.sample().json());
			if (flow == null) {
				uncertain += tuple.flows();
				uncertainReasons.merge("the stored flow cannot be read as a flow the engine decides", tuple.flows(),
						Long::sum);
				continue;
			}
			if (flow.reply()) {
				continue;
			}
			Decision before = baseline.compiled().decide(flow);
			Decision after = candidate.compiled().decide(flow);
			String why = uncertain(flow, before, baselineFqdn);
			if (why == null) {
				why = uncertain(flow, after, candidateFqdn);
			}
			if (why == null && headerRules && tuple.rows() > 1 && flow.l7() instanceof Flow.Http) {
				why = HEADERS_NOT_GROUPED;
			}
			if (why != null) {
				uncertain += tuple.flows();
				uncertainReasons.merge(why, tuple.flows(), Long::sum);
				continue;
			}
			String change = change(before, after);
			if (change != null) {
				changed.add(new Decided(tuple, flow, before, after, change, l7(flow)));
			}
		}
		long[] counts = new long[3];
		Map<List<Object>, List<Decided>> grouped = new LinkedHashMap<>();
		for (Decided d : changed) {
			counts[ORDER.indexOf(d.change())] += d.tuple().flows();
			grouped.computeIfAbsent(groupKey(d), (k) -> new ArrayList<>()).add(d);
		}
		List<ReplayReport.Group> groups = new ArrayList<>();
		for (List<Decided> members : grouped.values()) {
			groups.add(group(members, baseline, candidate));
		}
		groups.sort(Comparator.comparingInt((ReplayReport.Group g) -> ORDER.indexOf(g.change()))
			.thenComparing(Comparator.comparingLong(ReplayReport.Group::flows).reversed())
			.thenComparing(ReplayReport.Group::source)
			.thenComparing(ReplayReport.Group::destination)
			.thenComparing((g) -> (g.port() != null) ? g.port() : -1)
			.thenComparing((g) -> Objects.toString(g.protocol(), ""))
			.thenComparing((g) -> Objects.toString(g.l7(), "")));
		List<ReplayReport.UncertainReason> reasons = new ArrayList<>();
		uncertainReasons.forEach((reason, flows) -> reasons.add(new ReplayReport.UncertainReason(reason, flows)));
		reasons.sort(Comparator.comparingLong(ReplayReport.UncertainReason::flows).reversed()
			.thenComparing(ReplayReport.UncertainReason::reason));
		long flows = window.flows();
		double decidable = (flows == 0) ? 1.0
				: BigDecimal.valueOf(flows - uncertain).divide(BigDecimal.valueOf(flows), 4, RoundingMode.DOWN)
					.doubleValue();
		ReplayReport.Coverage coverage = new ReplayReport.Coverage(window.rows(), window.lostEvents(), decidable,
				window.first(), window.last());
		String note = (window.rows() == 0)
				? "No stored flow is in this window: widen the filter or the time range, or upload flows." : null;
		return new ReplayReport(flows, window.tuples().size(), uncertain, coverage,
				new ReplayReport.Changed(counts[0], counts[1], counts[2]), groups, reasons, timeline(window, changed),
				baseline.state(), candidate.state(), null, note);
	}

	/** The flow of a tuple's sample (its stored JSON), or null when the flow reader cannot read it. */
	static @Nullable Flow read(FlowReader reader, String json) {
		try {
			FlowParseResult read = reader.read(json, 0);
			return read.flows().isEmpty() ? null : read.flows().get(0).flow();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** Why {@code decision} of {@code flow} cannot be predicted, or null. */
	static @Nullable String uncertain(Flow flow, Decision decision, boolean fqdnRules) {
		if (decision.uncertain() != null) {
			return decision.uncertain();
		}
		if (flow.l7() == null && (decision.egress().redirectedToProxy() || decision.ingress().redirectedToProxy())) {
			return NO_L7_VISIBILITY;
		}
		if (fqdnRules && flow.destinationNames().isEmpty() && flow.destination().labels().contains("reserved:world")
				&& decision.egress().outcome() == Decision.Outcome.DENIED
				&& decision.egress().dropReason() == Decision.DropReason.POLICY_DENIED) {
			return NO_DNS_NAME;
		}
		return null;
	}

	/** The kind of change from {@code before} to {@code after}, or null when the outcome is the same. */
	static @Nullable String change(Decision before, Decision after) {
		boolean l7Before = before.l7() != null;
		boolean l7After = after.l7() != null;
		if (before.allowed() && !after.allowed()) {
			return l7After ? L7_CHANGED : NEWLY_DROPPED;
		}
		if (!before.allowed() && after.allowed()) {
			return l7Before ? L7_CHANGED : NEWLY_ALLOWED;
		}
		if (!before.allowed()) {
			if (l7Before != l7After) {
				return l7After ? L7_CHANGED : NEWLY_DROPPED;
			}
			if (l7Before && !before.l7().description().equals(after.l7().description())) {
				return L7_CHANGED;
			}
		}
		return null;
	}

	/** The L7 request of a flow as one line, or null. */
	static @Nullable String l7(Flow flow) {
		if (flow.l7() instanceof Flow.Http http) {
			return http.method() + " " + http.url();
		}
		if (flow.l7() instanceof Flow.Dns dns) {
			return "DNS " + dns.query() + (dns.qtypes().isEmpty() ? "" : " " + String.join(",", dns.qtypes()));
		}
		if (flow.l7() instanceof Flow.Kafka kafka) {
			return "Kafka " + kafka.apiKey() + (kafka.topics().isEmpty() ? "" : " " + String.join(",", kafka.topics()));
		}
		return null;
	}

	private static List<Object> groupKey(Decided d) {
		Integer port = (d.flow().destinationPort() > 0) ? d.flow().destinationPort() : null;
		List<Object> key = new ArrayList<>();
		key.add(d.change());
		key.add(d.tuple().sourceWorkload());
		key.add(d.tuple().destinationWorkload());
		key.add(Objects.toString(port, ""));
		key.add(d.flow().protocol().name());
		key.add(Objects.toString(d.l7(), ""));
		return key;
	}

	private static ReplayReport.Group group(List<Decided> members, Scenario baseline, Scenario candidate) {
		Decided first = members.get(0);
		Decided largest = first;
		long flows = 0;
		Instant firstSeen = first.tuple().first();
		Instant lastSeen = first.tuple().last();
		for (Decided d : members) {
			flows += d.tuple().flows();
			firstSeen = d.tuple().first().isBefore(firstSeen) ? d.tuple().first() : firstSeen;
			lastSeen = d.tuple().last().isAfter(lastSeen) ? d.tuple().last() : lastSeen;
			if (d.tuple().flows() > largest.tuple().flows() || (d.tuple().flows() == largest.tuple().flows()
					&& d.tuple().sample().id() < largest.tuple().sample().id())) {
				largest = d;
			}
		}
		Flow flow = largest.flow();
		Integer port = (flow.destinationPort() > 0) ? flow.destinationPort() : null;
		ReplayReport.Sample sample = new ReplayReport.Sample(largest.tuple().sample().time(),
				largest.tuple().sample().id(), largest.tuple().sample().json());
		return new ReplayReport.Group(first.change(), first.tuple().sourceWorkload(),
				first.tuple().destinationWorkload(), port, flow.protocol().name(), first.l7(), flows, members.size(),
				firstSeen, lastSeen, sample, verdict(baseline.compiled().explain(flow)),
				verdict(candidate.compiled().explain(flow)));
	}

	static ReplayReport.Verdict verdict(Decision decision) {
		List<ReplayReport.Rule> rules = new ArrayList<>();
		List<String> reasons = new ArrayList<>();
		Decision.Explanation explanation = decision.explanation();
		if (explanation != null) {
			for (Decision.SideExplanation side : List.of(explanation.egress(), explanation.ingress())) {
				if (side.decidedBy() != null) {
					rules.add(rule(side.decidedBy(), false));
				}
				else if (side.defaultDeny() && decision.deniedAt() == side.direction()) {
					side.defaultDenyBy().forEach((ref) -> rules.add(rule(ref, true)));
				}
			}
			reasons.add(explanation.egress().reason());
			reasons.add(explanation.ingress().reason());
			reasons.addAll(explanation.notes());
		}
		Decision.DropReason drop = decision.dropReason();
		return new ReplayReport.Verdict(decision.verdict().name(), (drop != null) ? drop.name() : null,
				(decision.l7() != null) ? decision.l7().description() : null,
				(explanation != null) ? explanation.summary() : null, reasons, rules, decision.uncertain());
	}

	private static ReplayReport.Rule rule(Decision.RuleRef ref, boolean defaultDeny) {
		return new ReplayReport.Rule(ref.policy().toString(), ref.direction().name(), ref.path(), ref.deny(),
				defaultDeny);
	}

	/**
	 * Whether any rule of {@code policies} matches HTTP headers ({@code headers} or {@code headerMatches}): tuples are
	 * grouped without headers, so a group of several flows is then decided by its sample only and is uncertain.
	 */
	private static boolean hasHeaderRules(List<Policy> policies) {
		for (Policy policy : policies) {
			for (Rule rule : policy.rules()) {
				for (List<PeerRule> peers : java.util.Arrays.asList(rule.ingress(), rule.egress())) {
					if (peers == null) {
						continue;
					}
					for (PeerRule peer : peers) {
						for (PortRule port : (peer.toPorts() != null) ? peer.toPorts() : List.<PortRule>of()) {
							if (port.rules() != null && port.rules().http().stream()
								.anyMatch((h) -> !h.headers().isEmpty() || !h.headerMatches().isEmpty())) {
								return true;
							}
						}
					}
				}
			}
		}
		return false;
	}

	private static boolean hasFqdnRules(List<Policy> policies) {
		for (Policy policy : policies) {
			for (Rule rule : policy.rules()) {
				if (rule.egress() != null) {
					for (PeerRule peer : rule.egress()) {
						if (peer.fqdns() != null && !peer.fqdns().isEmpty()) {
							return true;
						}
					}
				}
			}
		}
		return false;
	}

	private static List<ReplayReport.Slice> timeline(FlowTuples.Window window, List<Decided> changed) {
		if (window.first() == null || window.last() == null) {
			return List.of();
		}
		int n = FlowTuples.BUCKETS;
		long[][] counts = new long[n][3];
		for (Decided d : changed) {
			int kind = ORDER.indexOf(d.change());
			List<Long> buckets = d.tuple().buckets();
			for (int i = 0; i < n; i++) {
				counts[i][kind] += buckets.get(i);
			}
		}
		Duration span = Duration.between(window.first(), window.last());
		List<ReplayReport.Slice> slices = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			Instant from = window.first().plus(span.multipliedBy(i).dividedBy(n));
			Instant until = window.first().plus(span.multipliedBy(i + 1).dividedBy(n));
			slices.add(new ReplayReport.Slice(from, until, counts[i][0], counts[i][1], counts[i][2]));
		}
		return slices;
	}

}
