package dev.portcullis.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.policy.PolicyDiff.Change;
import dev.portcullis.policy.PolicyDiff.Element;
import dev.portcullis.policy.PolicyDiff.Kind;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;

/**
 * The structural summary of a diff: which rules, peers, ports and L7 rules were added, removed or changed between
 * two canonical texts.
 * <p>
 * Rules are the items of {@code ingress}, {@code egress}, {@code ingressDeny} and {@code egressDeny} of {@code spec}
 * and of each {@code specs[i]} (paired by index). Within one direction, rules equal on both sides are unchanged
 * wherever they moved; the remaining removed and added rules are paired in order as CHANGED (with their peers,
 * ports and L7 rules compared as multisets), the rest are ADDED or REMOVED. Peers are the items of
 * {@code fromEndpoints}, {@code toCIDR}, ... (a NetworkPolicy's {@code from}/{@code to}); ports are
 * {@code toPorts[].ports[]} (a NetworkPolicy's {@code ports[]}); L7 rules are {@code toPorts[].rules.http[]},
 * {@code dns[]}, {@code kafka[]}, {@code l7[]}.
 */
final class StructuralDiff {

	private static final List<String> DIRECTIONS = List.of("ingress", "ingressDeny", "egress", "egressDeny");

	private static final List<String> PEER_FIELDS = List.of("fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities",
			"fromRequires", "fromServices", "fromNodes", "fromGroups", "toEndpoints", "toCIDR", "toCIDRSet",
			"toEntities", "toRequires", "toServices", "toFQDNs", "toNodes", "toGroups", "from", "to");

	private static final List<String> SELECTORS = List.of("endpointSelector", "nodeSelector", "podSelector");

	private static final List<String> L7_TYPES = List.of("http", "dns", "kafka", "l7");

	private StructuralDiff() {
	}

	/** Compares two canonical texts ("" for a tombstone). */
	static List<Change> between(String fromText, String toText) {
		Object from = fromText.isEmpty() ? null : plain(YamlReader.read(fromText).documents().get(0));
		Object to = toText.isEmpty() ? null : plain(YamlReader.read(toText).documents().get(0));
		List<Change> changes = new ArrayList<>();
		if (from == null && to == null) {
			return changes;
		}
		if (from == null) {
			changes.add(new Change(Element.POLICY, Kind.ADDED, "", "policy created"));
			return changes;
		}
		if (to == null) {
			changes.add(new Change(Element.POLICY, Kind.REMOVED, "", "policy deleted"));
			return changes;
		}
		Map<String, Object> f = map(from);
		Map<String, Object> t = map(to);
		for (String field : List.of("labels", "annotations")) {
			Object a = map(f.get("metadata")).get(field);
			Object b = map(t.get("metadata")).get(field);
			if (!Objects.equals(a, b)) {
				changes.add(new Change(Element.METADATA, Kind.CHANGED, "metadata." + field, field + " changed: "
						+ describe(a) + " → " + describe(b)));
			}
		}
		compareRuleSet(map(f.get("spec")), map(t.get("spec")), "spec", f.containsKey("spec"), t.containsKey("spec"),
				changes);
		List<Object> fromSpecs = list(f.get("specs"));
		List<Object> toSpecs = list(t.get("specs"));
		for (int i = 0; i < Math.max(fromSpecs.size(), toSpecs.size()); i++) {
			compareRuleSet((i < fromSpecs.size()) ? map(fromSpecs.get(i)) : Map.of(),
					(i < toSpecs.size()) ? map(toSpecs.get(i)) : Map.of(), "specs[" + i + "]", i < fromSpecs.size(),
					i < toSpecs.size(), changes);
		}
		return changes;
	}

	private static void compareRuleSet(Map<String, Object> from, Map<String, Object> to, String path, boolean inFrom,
			boolean inTo, List<Change> changes) {
		if (!inFrom && !inTo) {
			return;
		}
		for (String selector : SELECTORS) {
			Object a = from.get(selector);
			Object b = to.get(selector);
			if (inFrom && inTo && !Objects.equals(a, b)) {
				changes.add(new Change(Element.SELECTOR, Kind.CHANGED, path + "." + selector,
						selector + " changed: " + describe(a) + " → " + describe(b)));
			}
		}
		for (String direction : DIRECTIONS) {
			compareRules(list(from.get(direction)), list(to.get(direction)), path + "." + direction, direction, changes);
		}
	}

	private static void compareRules(List<Object> from, List<Object> to, String path, String direction,
			List<Change> changes) {
		List<Integer> removed = new ArrayList<>();
		List<Integer> added = new ArrayList<>();
		unmatched(from, to, removed, added);
		int pairs = Math.min(removed.size(), added.size());
		for (int i = 0; i < pairs; i++) {
			String at = path + "[" + added.get(i) + "]";
			changes.add(new Change(Element.RULE, Kind.CHANGED, at, direction + " rule changed"));
			compareRule(map(from.get(removed.get(i))), map(to.get(added.get(i))), path + "[" + removed.get(i) + "]", at,
					changes);
		}
		for (int i = pairs; i < removed.size(); i++) {
			changes.add(new Change(Element.RULE, Kind.REMOVED, path + "[" + removed.get(i) + "]",
					direction + " rule removed: " + describe(from.get(removed.get(i)))));
		}
		for (int i = pairs; i < added.size(); i++) {
			changes.add(new Change(Element.RULE, Kind.ADDED, path + "[" + added.get(i) + "]",
					direction + " rule added: " + describe(to.get(added.get(i)))));
		}
	}

	private static void compareRule(Map<String, Object> from, Map<String, Object> to, String fromPath, String toPath,
			List<Change> changes) {
		int before = changes.size();
		for (String field : PEER_FIELDS) {
			List<Object> a = list(from.get(field));
			List<Object> b = list(to.get(field));
			List<Integer> removed = new ArrayList<>();
			List<Integer> added = new ArrayList<>();
			unmatched(a, b, removed, added);
			removed.forEach((i) -> changes.add(new Change(Element.PEER, Kind.REMOVED, fromPath + "." + field + "[" + i
					+ "]", field + " peer removed: " + describe(a.get(i)))));
			added.forEach((i) -> changes.add(new Change(Element.PEER, Kind.ADDED, toPath + "." + field + "[" + i + "]",
					field + " peer added: " + describe(b.get(i)))));
		}
		compareItems(ports(from, fromPath), ports(to, toPath), Element.PORT, "port", changes);
		compareItems(l7(from, fromPath), l7(to, toPath), Element.L7_RULE, "L7 rule", changes);
		if (changes.size() == before) {
			changes.add(new Change(Element.RULE, Kind.CHANGED, toPath, "other fields of the rule changed"));
		}
	}

	/** An item with where it is and how to name it. */
	private record Item(Object value, String path, String label) {
	}

	private static void compareItems(List<Item> from, List<Item> to, Element element, String noun,
			List<Change> changes) {
		List<Integer> removed = new ArrayList<>();
		List<Integer> added = new ArrayList<>();
		unmatched(from.stream().map(Item::value).toList(), to.stream().map(Item::value).toList(), removed, added);
		removed.forEach((i) -> changes.add(new Change(element, Kind.REMOVED, from.get(i).path(),
				noun + " removed: " + from.get(i).label())));
		added.forEach((i) -> changes.add(new Change(element, Kind.ADDED, to.get(i).path(),
				noun + " added: " + to.get(i).label())));
	}

	private static List<Item> ports(Map<String, Object> rule, String path) {
		List<Item> items = new ArrayList<>();
		List<Object> toPorts = list(rule.get("toPorts"));
		for (int i = 0; i < toPorts.size(); i++) {
			List<Object> ports = list(map(toPorts.get(i)).get("ports"));
			for (int j = 0; j < ports.size(); j++) {
				items.add(new Item(ports.get(j), path + ".toPorts[" + i + "].ports[" + j + "]", port(ports.get(j))));
			}
		}
		List<Object> ports = list(rule.get("ports"));
		for (int j = 0; j < ports.size(); j++) {
			items.add(new Item(ports.get(j), path + ".ports[" + j + "]", port(ports.get(j))));
		}
		return items;
	}

	private static String port(Object port) {
		Map<String, Object> p = map(port);
		if (p.isEmpty()) {
			return describe(port);
		}
		Object endPort = p.get("endPort");
		return p.getOrDefault("port", "all") + ((endPort != null) ? "-" + endPort : "") + "/"
				+ p.getOrDefault("protocol", "ANY");
	}

	private static List<Item> l7(Map<String, Object> rule, String path) {
		List<Item> items = new ArrayList<>();
		List<Object> toPorts = list(rule.get("toPorts"));
		for (int i = 0; i < toPorts.size(); i++) {
			Map<String, Object> rules = map(map(toPorts.get(i)).get("rules"));
			for (String type : L7_TYPES) {
				List<Object> entries = list(rules.get(type));
				for (int k = 0; k < entries.size(); k++) {
					items.add(new Item(Map.of(type, entries.get(k)), path + ".toPorts[" + i + "].rules." + type + "[" + k
							+ "]", type.toUpperCase(java.util.Locale.ROOT) + " " + describe(entries.get(k))));
				}
			}
		}
		return items;
	}

	/** Indexes of items only in {@code from} (removed) and only in {@code to} (added), as multisets. */
	private static void unmatched(List<Object> from, List<Object> to, List<Integer> removed, List<Integer> added) {
		boolean[] used = new boolean[to.size()];
		for (int i = 0; i < from.size(); i++) {
			boolean found = false;
			for (int j = 0; j < to.size(); j++) {
				if (!used[j] && Objects.equals(from.get(i), to.get(j))) {
					used[j] = true;
					found = true;
					break;
				}
			}
			if (!found) {
				removed.add(i);
			}
		}
		for (int j = 0; j < to.size(); j++) {
			if (!used[j]) {
				added.add(j);
			}
		}
	}

	/** A short, one-line rendering: {@code {matchLabels: {app: web}}}. */
	static String describe(@Nullable Object value) {
		if (value == null) {
			return "none";
		}
		String text;
		if (value instanceof Map<?, ?> map) {
			text = map.entrySet().stream().map((e) -> e.getKey() + ": " + describe(e.getValue()))
				.collect(Collectors.joining(", ", "{", "}"));
		}
		else if (value instanceof List<?> list) {
			text = list.stream().map(StructuralDiff::describe).collect(Collectors.joining(", ", "[", "]"));
		}
		else {
			text = value.toString();
		}
		return (text.length() > 160) ? text.substring(0, 157) + "..." : text;
	}

	/** The tree as maps, lists and scalar texts, for equality. */
	private static @Nullable Object plain(Node node) {
		if (node instanceof MapNode map) {
			Map<String, Object> result = new LinkedHashMap<>();
			map.entries().forEach((k, v) -> result.put(k, plain(v)));
			return result;
		}
		if (node instanceof ListNode list) {
			List<Object> result = new ArrayList<>();
			list.items().forEach((item) -> result.add(plain(item)));
			return result;
		}
		ScalarNode scalar = (ScalarNode) node;
		return scalar.isNull() ? null : scalar.value();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(@Nullable Object value) {
		return (value instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(@Nullable Object value) {
		return (value instanceof List<?> list) ? (List<Object>) list : List.of();
	}

}
