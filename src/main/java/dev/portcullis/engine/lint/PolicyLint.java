package dev.portcullis.engine.lint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.PeerRule.CidrRule;
import dev.portcullis.engine.api.PeerRule.FqdnSelector;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.NodePath;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.match.Cidr;
import dev.portcullis.engine.match.DnsPattern;
import dev.portcullis.engine.match.IpAddress;
import org.jspecify.annotations.Nullable;

/**
 * Semantic lint: policies that Cilium accepts but that very likely do not do what their author meant. Every finding
 * is a {@link Violation.Severity#WARNING} with the document, path, line and column of the text it is about, sorted
 * by document, line and column. It reads only the parsed model (and the document trees for positions), so it also
 * runs on a draft; a finding about two policies names the other one. What it finds:
 * <ol>
 * <li><b>Cluster-wide default deny</b>: a CiliumClusterwideNetworkPolicy rule with an empty
 * {@code endpointSelector} (or {@code nodeSelector}) selects every endpoint (every node); when it has entries in a
 * direction and does not set {@code enableDefaultDeny.<direction>: false}, every one of them drops that direction's
 * traffic that no policy allows, kube-dns and the health endpoints included (pkg/policy/api/rule_validation.go
 * {@code Rule.Sanitize}; pkg/k8s/apis/cilium.io/utils/utils.go: a CCNP's selector is not namespace-scoped). Not
 * reported when the same direction allows everything ({@code fromEntities/toEntities: [all]} on all ports), as
 * Cilium's own {@code from_world_deny.yaml} does.</li>
 * <li><b>Rules that can never match</b>: a peer list written empty ({@code fromEndpoints: []}: "an empty non-nil
 * FromEndpoints does not select anything", pkg/policy/api/ingress.go, and "Case1B" of pkg/policy's rule tests); peers that are only the entity
 * {@code none}; a selector whose requirements contradict each other ({@code app=a} with {@code app In (b)},
 * {@code Exists} with {@code DoesNotExist}), as subject or peer; a {@code toPorts} item without ports (no port
 * filter is made from it: pkg/policy/rule.go iterates the listed ports); a CIDR set entry whose {@code except}
 * prefixes cover the whole {@code cidr}.</li>
 * <li><b>Moot L7 rules</b>: an allow with L7 rules on a port, while another allow rule whose subject includes this
 * one's allows the same peer on that port without L7 rules; Cilium then lets every request of that peer through
 * (the proxy allows a request when any matching allow has no L7 rules: pkg/policy/l4.go, L7 wildcarding of
 * {@code PerSelectorPolicy}; Documentation/security/policy/language.rst, "Layer 7 Examples": the L7 part "will have
 * no effect"). The message names the other rule.</li>
 * <li><b>toFQDNs that learn nothing</b>: an egress {@code toFQDNs} whose names no DNS rule ({@code rules.dns}) of an
 * egress allow covering the same endpoints lets through the DNS proxy, so no IPs are learned and the rule allows
 * nothing (Documentation/security/policy/language.rst, "DNS based": "requires a DNS rule"; pkg/fqdn).</li>
 * <li><b>Shadowed allows</b>: an allow rule all of whose traffic (subject, peers and ports) a deny rule also
 * matches; deny rules take precedence over allow rules (Documentation/security/policy/deny.rst), so the allow
 * never lets anything through. The message names the deny.</li>
 * </ol>
 * Inclusion between selectors, peers and ports is decided on the text alone (see {@link Coverage}): the lint warns
 * only when it is certain, and stays silent where only a cluster's labels could tell.
 */
public final class PolicyLint {

	/**
	 * Most rule pairs the lints that compare rules (moot L7, toFQDNs, shadowed allows) look at in one call; beyond
	 * it they stop and one warning says so, so that a stream of 10,000 policies is linted in bounded time.
	 */
	static final long MAX_COMPARISONS = 2_000_000;

	private PolicyLint() {
	}

	/**
	 * The warnings about {@code policies}.
	 * @param documents the document trees the policies were parsed from ({@link Policy#document()} indexes them)
	 * @param policies the valid policies, all of them considered together (a DNS rule or an allow in one policy
	 *        counts for another)
	 */
	public static List<Violation> lint(List<Node> documents, List<Policy> policies) {
		Lint lint = new Lint(documents, policies);
		for (Policy policy : policies) {
			for (Rule rule : policy.rules()) {
				lint.rule(policy, rule);
			}
		}
		if (lint.comparisons > MAX_COMPARISONS && !policies.isEmpty()) {
			lint.found.add(Violation.warning(policies.get(0).document(), "", Position.UNKNOWN, "These policies have"
					+ " too many rules to compare every pair: after " + MAX_COMPARISONS + " comparisons the checks for"
					+ " moot L7 rules, toFQDNs without DNS rules and shadowed allows stopped, so they may be incomplete."
					+ " Lint fewer policies at once for a complete answer."));
		}
		lint.found.sort(Comparator.comparingInt(Violation::document).thenComparingInt(Violation::line)
			.thenComparingInt(Violation::column).thenComparing(Violation::message));
		return List.copyOf(lint.found);
	}

	/** One rule item with the policy and rule it belongs to. */
	private record Item(Policy policy, Rule rule, PeerRule peer) {
	}

	private static final class Lint {

		final List<Node> documents;

		final List<Item> items = new ArrayList<>();

		final List<Item> denies = new ArrayList<>();

		/** Egress allows with DNS rules: what lets toFQDNs names be learned. */
		final List<Item> dns = new ArrayList<>();

		final List<Violation> found = new ArrayList<>();

		final Coverage coverage = new Coverage();

		/** Rule pairs compared so far (see {@link #MAX_COMPARISONS}). */
		long comparisons;

		/** Whether another comparison is within the budget. */
		boolean compare() {
			return ++this.comparisons <= MAX_COMPARISONS;
		}

		Lint(List<Node> documents, List<Policy> policies) {
			this.documents = documents;
			for (Policy policy : policies) {
				for (Rule rule : policy.rules()) {
					for (List<PeerRule> list : lists(rule)) {
						for (PeerRule peer : list) {
							this.items.add(new Item(policy, rule, peer));
							if (peer.deny()) {
								this.denies.add(new Item(policy, rule, peer));
							}
							else if (peer.direction() == Direction.EGRESS && peer.toPorts() != null && peer.toPorts()
								.stream().anyMatch((p) -> p.rules() != null && !p.rules().dns().isEmpty())) {
								this.dns.add(new Item(policy, rule, peer));
							}
						}
					}
				}
			}
		}

		void warn(Policy policy, String path, String message) {
			Node document = (policy.document() >= 0 && policy.document() < this.documents.size())
					? this.documents.get(policy.document()) : null;
			Position at = NodePath.find(document, path);
			this.found.add(Violation.warning(policy.document(), path, at, message));
		}

		void rule(Policy policy, Rule rule) {
			clusterwideDefaultDeny(policy, rule, Direction.INGRESS, rule.ingress(), rule.ingressDeny(),
					rule.enableDefaultDenyIngress());
			clusterwideDefaultDeny(policy, rule, Direction.EGRESS, rule.egress(), rule.egressDeny(),
					rule.enableDefaultDenyEgress());
			subjectContradiction(policy, rule);
			for (List<PeerRule> list : lists(rule)) {
				for (PeerRule item : list) {
					Item here = new Item(policy, rule, item);
					neverMatches(here);
					if (!item.deny()) {
						mootL7(here);
						fqdnsWithoutDns(here);
						shadowed(here);
					}
				}
			}
		}

		// ------------------------------------------------------------ 1. cluster-wide default deny

		void clusterwideDefaultDeny(Policy policy, Rule rule, Direction direction, @Nullable List<PeerRule> allow,
				@Nullable List<PeerRule> deny, @Nullable Boolean enable) {
			if (policy.ref().kind() != PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY || Boolean.FALSE.equals(enable)) {
				return;
			}
			boolean nodes = rule.nodeSelector() != null;
			LabelSelector subject = nodes ? rule.nodeSelector() : rule.endpointSelector();
			if (subject == null || !subject.isEmpty()) {
				return;
			}
			boolean entries = (allow != null && !allow.isEmpty()) || (deny != null && !deny.isEmpty());
			if (!entries) {
				return;
			}
			if (allow != null && allow.stream().anyMatch((item) -> item.entities() != null
					&& item.entities().contains("all") && Coverage.allPorts(item))) {
				return;
			}
			String name = (direction == Direction.INGRESS) ? "ingress" : "egress";
			String field = nodes ? "nodeSelector" : "endpointSelector";
			warn(policy, rule.path() + "." + field, "This cluster-wide rule's empty " + field + " selects every "
					+ (nodes ? "node" : "endpoint in the cluster (every pod in every namespace, kube-dns and the health"
							+ " endpoints included)")
					+ ", and its " + name + " rules put all of them into " + name + " default deny: " + name
					+ " that no policy allows is dropped everywhere. Narrow the " + field + ", or set enableDefaultDeny."
					+ name + ": false if the rules should only add to what is allowed.");
		}

		// ------------------------------------------------------------ 2. never matches

		void subjectContradiction(Policy policy, Rule rule) {
			LabelSelector subject = (rule.nodeSelector() != null) ? rule.nodeSelector() : rule.endpointSelector();
			String field = (rule.nodeSelector() != null) ? "nodeSelector" : "endpointSelector";
			if (subject == null) {
				return;
			}
			String why = Requirements.contradiction(subject);
			if (why != null) {
				warn(policy, rule.path() + "." + field, "This " + field + " can never match (" + why
						+ "), so the rule applies to no " + ((rule.nodeSelector() != null) ? "node" : "endpoint") + ".");
			}
		}

		void neverMatches(Item here) {
			PeerRule item = here.peer();
			String prefix = (item.direction() == Direction.INGRESS) ? "from" : "to";
			String kind = item.deny() ? "deny" : "allow";
			String[] names = { "Endpoints", "CIDR", "CIDRSet", "Entities", "Nodes", "Services", "FQDNs", "Groups" };
			List<?>[] lists = { item.endpoints(), item.cidr(), item.cidrSet(), item.entities(), item.nodes(),
					item.services(), item.fqdns(), item.groups() };
			boolean anyPresent = false;
			boolean anySelecting = false;
			String firstEmpty = null;
			for (int i = 0; i < names.length; i++) {
				if (lists[i] == null) {
					continue;
				}
				anyPresent = true;
				if (lists[i].isEmpty()) {
					firstEmpty = (firstEmpty != null) ? firstEmpty : prefix + names[i];
				}
				else {
					anySelecting = true;
				}
			}
			if (anyPresent && !anySelecting && firstEmpty != null) {
				warn(here.policy(), item.path() + "." + firstEmpty, firstEmpty + " is an empty list: an empty list selects"
						+ " no peer (unlike an absent " + firstEmpty + ", which with toPorts means every peer), so this "
						+ kind + " rule never matches. Remove the field, or list the peers.");
			}
			if (item.entities() != null && !item.entities().isEmpty()
					&& item.entities().stream().allMatch("none"::equals) && !anyOtherPeer(item)) {
				warn(here.policy(), item.path() + "." + prefix + "Entities", prefix + "Entities: [none] selects no peer,"
						+ " so this " + kind + " rule never matches.");
			}
			selectorContradictions(here, item.endpoints(), prefix + "Endpoints", kind);
			selectorContradictions(here, item.nodes(), prefix + "Nodes", kind);
			if (item.toPorts() != null) {
				for (PortRule portRule : item.toPorts()) {
					if (portRule.ports().isEmpty()) {
						warn(here.policy(), portRule.path(), "This toPorts item lists no port, so it matches no traffic"
								+ " (Cilium makes a port filter for each listed port only). Add ports: [{port: ..., protocol: ...}].");
					}
				}
			}
			if (item.cidrSet() != null) {
				for (int i = 0; i < item.cidrSet().size(); i++) {
					CidrRule set = item.cidrSet().get(i);
					Cidr cidr = (set.cidr() != null) ? Cidr.tryParse(set.cidr()) : null;
					if (cidr != null && !set.except().isEmpty() && coveredByExcepts(cidr, set.except())) {
						warn(here.policy(), item.path() + "." + prefix + "CIDRSet[" + i + "].except",
								"These except prefixes cover all of " + set.cidr() + ", so this " + prefix
										+ "CIDRSet entry selects no address.");
					}
				}
			}
		}

		private static boolean anyOtherPeer(PeerRule item) {
			return (item.endpoints() != null && !item.endpoints().isEmpty()) || (item.cidr() != null && !item.cidr().isEmpty())
					|| (item.cidrSet() != null && !item.cidrSet().isEmpty())
					|| (item.nodes() != null && !item.nodes().isEmpty())
					|| (item.services() != null && !item.services().isEmpty())
					|| (item.fqdns() != null && !item.fqdns().isEmpty());
		}

		private void selectorContradictions(Item here, @Nullable List<LabelSelector> selectors, String field,
				String kind) {
			if (selectors == null) {
				return;
			}
			for (int i = 0; i < selectors.size(); i++) {
				String why = Requirements.contradiction(selectors.get(i));
				if (why != null) {
					warn(here.policy(), here.peer().path() + "." + field + "[" + i + "]", "This selector can never match ("
							+ why + "), so it adds no peer to this " + kind + " rule.");
				}
			}
		}

		// ------------------------------------------------------------ 3. moot L7

		void mootL7(Item here) {
			PeerRule item = here.peer();
			if (item.toPorts() == null) {
				return;
			}
			for (PortRule portRule : item.toPorts()) {
				if (portRule.rules() == null || portRule.rules().isEmpty() || portRule.ports().isEmpty()) {
					continue;
				}
				Item other = allowsWithoutL7(here, portRule);
				if (other != null) {
					String kind = !portRule.rules().http().isEmpty() ? "HTTP" : !portRule.rules().kafka().isEmpty()
							? "Kafka" : !portRule.rules().dns().isEmpty() ? "DNS" : "L7";
					warn(here.policy(), portRule.path() + ".rules", "Another rule allows the same peer on this port"
							+ " without L7 rules (" + name(other, here) + "), so these " + kind + " rules restrict"
							+ " nothing for that peer: Cilium lets every request through when any allow that matches"
							+ " has no L7 rules. Remove that allow or give it the same L7 rules.");
				}
			}
		}

		private @Nullable Item allowsWithoutL7(Item here, PortRule withL7) {
			for (Item other : this.items) {
				if (!compare()) {
					return null;
				}
				PeerRule candidate = other.peer();
				if (candidate.deny() || candidate.direction() != here.peer().direction()
						|| isEmpty(candidate)) {
					continue;
				}
				if (!allowsWithoutL7(candidate, withL7)) {
					continue;
				}
				if (this.coverage.subjectCovers(other.policy(), other.rule(), here.policy(), here.rule())
						&& this.coverage.peersCover(other.policy(), candidate, here.policy(), here.peer())) {
					return other;
				}
			}
			return null;
		}

		/** Whether {@code candidate} allows every port of {@code withL7} at L4 without L7 rules. */
		private static boolean allowsWithoutL7(PeerRule candidate, PortRule withL7) {
			if (Coverage.allPorts(candidate)) {
				return true;
			}
			if (candidate.toPorts() == null) {
				return false;
			}
			for (PortRule portRule : candidate.toPorts()) {
				if (portRule == withL7 || (portRule.rules() != null && !portRule.rules().isEmpty())) {
					continue;
				}
				if (withL7.ports().stream().allMatch((port) -> Coverage.portCovered(portRule, port))) {
					return true;
				}
			}
			return false;
		}

		// ------------------------------------------------------------ 4. toFQDNs without DNS

		void fqdnsWithoutDns(Item here) {
			PeerRule item = here.peer();
			if (item.fqdns() == null || item.fqdns().isEmpty() || item.direction() != Direction.EGRESS) {
				return;
			}
			List<DnsPattern> learned = new ArrayList<>();
			for (Item other : this.dns) {
				if (!compare()) {
					return;
				}
				PeerRule candidate = other.peer();
				if (candidate.deny() || candidate.direction() != Direction.EGRESS || candidate.toPorts() == null
						|| !this.coverage.subjectCovers(other.policy(), other.rule(), here.policy(), here.rule())) {
					continue;
				}
				for (PortRule portRule : candidate.toPorts()) {
					if (portRule.rules() == null) {
						continue;
					}
					for (PortRule.DnsRule dns : portRule.rules().dns()) {
						DnsPattern pattern = pattern(dns.matchName(), dns.matchPattern());
						if (pattern != null) {
							learned.add(pattern);
						}
					}
				}
			}
			for (int i = 0; i < item.fqdns().size(); i++) {
				FqdnSelector fqdn = item.fqdns().get(i);
				String name = (fqdn.matchName() != null) ? fqdn.matchName()
						: (fqdn.matchPattern() != null) ? fqdn.matchPattern().replace("**", "a.b").replace("*", "a") : null;
				if (name == null || learned.stream().anyMatch((pattern) -> pattern.matches(name))) {
					continue;
				}
				String written = (fqdn.matchName() != null) ? "matchName " + fqdn.matchName()
						: "matchPattern " + fqdn.matchPattern();
				warn(here.policy(), item.path() + ".toFQDNs[" + i + "]", "No DNS rule in these policies lets these"
						+ " endpoints look up " + written + " (" + (learned.isEmpty()
								? "no egress rule covering them has rules.dns" : "the DNS rules covering them do not match it")
						+ "), so unless another policy in the cluster has one, Cilium's DNS proxy learns no IP for it and this"
						+ " toFQDNs allows nothing. Add an egress"
						+ " rule to kube-dns on port 53 with rules.dns matching the name (matchPattern: \"*\" for all).");
			}
		}

		private static @Nullable DnsPattern pattern(@Nullable String matchName, @Nullable String matchPattern) {
			try {
				if (matchName != null) {
					return DnsPattern.matchName(matchName);
				}
				if (matchPattern != null) {
					return DnsPattern.matchPattern(matchPattern);
				}
			}
			catch (IllegalArgumentException ex) {
				// the parser reports it
			}
			return null;
		}

		// ------------------------------------------------------------ 5. deny shadows allow

		void shadowed(Item here) {
			PeerRule item = here.peer();
			if (isEmpty(item) || !selectsSomething(item)) {
				return;
			}
			for (Item other : this.denies) {
				if (!compare()) {
					return;
				}
				PeerRule deny = other.peer();
				if (!deny.deny() || deny.direction() != item.direction() || isEmpty(deny)) {
					continue;
				}
				if (!portsCovered(deny, item)
						|| !this.coverage.subjectCovers(other.policy(), other.rule(), here.policy(), here.rule())
						|| !this.coverage.peersCover(other.policy(), deny, here.policy(), item)) {
					continue;
				}
				warn(here.policy(), item.path(), "The deny rule " + name(other, here) + " matches everything this allow"
						+ " rule matches, and deny rules take precedence over allow rules, so this rule never lets"
						+ " anything through.");
				return;
			}
		}

		/** Whether every port (and ICMP type) {@code allow} matches, {@code deny} matches too. */
		private static boolean portsCovered(PeerRule deny, PeerRule allow) {
			if (Coverage.allPorts(deny)) {
				return true;
			}
			if (Coverage.allPorts(allow) || deny.toPorts() == null || (allow.icmps() != null && !allow.icmps().isEmpty())) {
				return false;
			}
			for (PortRule portRule : allow.toPorts()) {
				for (PortProtocol port : portRule.ports()) {
					boolean covered = deny.toPorts().stream().anyMatch((mine) -> Coverage.portCovered(mine, port));
					if (!covered) {
						return false;
					}
				}
			}
			return true;
		}

		private static boolean selectsSomething(PeerRule item) {
			if (item.toPorts() != null && !item.toPorts().isEmpty()
					&& item.toPorts().stream().allMatch((portRule) -> portRule.ports().isEmpty())) {
				return false;
			}
			return Coverage.isWildcard(item) || anyOtherPeer(item)
					|| (item.entities() != null && item.entities().stream().anyMatch((e) -> !e.equals("none")));
		}

		// ------------------------------------------------------------ helpers

		private static boolean isEmpty(PeerRule item) {
			return !Coverage.isWildcard(item) && item.endpoints() == null && item.requires() == null
					&& item.cidr() == null && item.cidrSet() == null && item.entities() == null && item.nodes() == null
					&& item.groups() == null && item.services() == null && item.fqdns() == null;
		}

		private static String name(Item other, Item here) {
			return (other.policy() == here.policy()) ? other.peer().path() + " of this policy"
					: other.policy().ref() + " " + other.peer().path();
		}

		private static List<List<PeerRule>> lists(Rule rule) {
			List<List<PeerRule>> out = new ArrayList<>(4);
			for (List<PeerRule> list : new ArrayList<>(java.util.Arrays.asList(rule.ingress(), rule.ingressDeny(),
					rule.egress(), rule.egressDeny()))) {
				if (list != null) {
					out.add(list);
				}
			}
			return out;
		}

	}

	// ---------------------------------------------------------------- CIDR arithmetic

	/** Whether the union of {@code except} (prefixes inside {@code cidr}) is all of {@code cidr}. */
	static boolean coveredByExcepts(Cidr cidr, List<String> except) {
		List<Cidr> holes = new ArrayList<>();
		for (String text : except) {
			Cidr hole = Cidr.tryParse(text);
			if (hole != null && hole.overlaps(cidr)) {
				holes.add(hole);
			}
		}
		return covered(cidr, holes, 0);
	}

	private static boolean covered(Cidr cidr, List<Cidr> holes, int depth) {
		List<Cidr> inside = new ArrayList<>();
		for (Cidr hole : holes) {
			if (hole.contains(cidr)) {
				return true;
			}
			if (cidr.contains(hole)) {
				inside.add(hole);
			}
		}
		if (inside.isEmpty() || cidr.prefixLength() >= cidr.address().bitLength() || depth > 128) {
			return false;
		}
		Cidr left = new Cidr(cidr.address(), cidr.prefixLength() + 1);
		Cidr right = new Cidr(withBit(cidr.address(), cidr.prefixLength()), cidr.prefixLength() + 1);
		return covered(left, inside, depth + 1) && covered(right, inside, depth + 1);
	}

	/** {@code address} with bit {@code index} (0 = most significant) set. */
	private static IpAddress withBit(IpAddress address, int index) {
		if (!address.ipv6()) {
			return new IpAddress(false, 0, address.low() | (1L << (31 - index)));
		}
		if (index < 64) {
			return new IpAddress(true, address.high() | (1L << (63 - index)), address.low());
		}
		return new IpAddress(true, address.high(), address.low() | (1L << (127 - index)));
	}

}
