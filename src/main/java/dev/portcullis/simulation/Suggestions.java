package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.eval.Decision;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * "Draft a rule that would allow it": for traffic a state denies, the least-privilege CiliumNetworkPolicy that lets
 * it through, one policy per denying side: on the ingress side a policy selecting the destination pod's labels that
 * lets in exactly the source (its labels and namespace, its entity or its CIDR) on this port and protocol; on the
 * egress side a policy selecting the source pod's labels that lets it reach exactly the destination (labels,
 * entity, CIDR or FQDN); each with the L7 request as the only allowed request (HTTP method and anchored path and
 * host, gRPC as its POST path, Kafka API key, topic and client ID, DNS name, DNS on egress only as Cilium's DNS
 * proxy is). A side denied by a deny rule cannot be fixed by an allow (deny wins): the suggestion says so instead.
 */
@Component
public class Suggestions {

	private final Simulations simulations;

	private final EnginePool engine;

	Suggestions(Simulations simulations, EnginePool engine) {
		this.simulations = simulations;
		this.engine = engine;
	}

	/**
	 * A suggestion.
	 * @param yaml the policies to add (a multi-document YAML stream), "" when nothing can or need be added
	 * @param policies their names, {@code CiliumNetworkPolicy/default/allow-...}
	 * @param notes why, and what the draft cannot fix
	 * @param before the decision the suggestion answers
	 */
	public record Suggestion(String yaml, List<String> policies, List<String> notes, Decision before) {
	}

	/** The least-privilege policies that would let {@code traffic} through in {@code state}. */
	public Mono<Suggestion> suggest(String workspace, StateChoice state, Traffic traffic) {
		return this.simulations.scenario(workspace, state)
			.flatMap((scenario) -> this.engine.run(() -> suggest(traffic, scenario.decide(traffic, true))));
	}

	/** The suggestion for a decision (pure: no state needed beyond the decision). */
	public static Suggestion suggest(Traffic traffic, Decision decision) {
		List<String> notes = new ArrayList<>();
		List<Map<String, Object>> documents = new ArrayList<>();
		List<String> names = new ArrayList<>();
		if (decision.allowed()) {
			notes.add("The traffic is already allowed (" + decision.verdict() + "); nothing to add.");
			return new Suggestion("", names, notes, decision);
		}
		for (Direction direction : List.of(Direction.EGRESS, Direction.INGRESS)) {
			Decision.SideDecision side = (direction == Direction.EGRESS) ? decision.egress() : decision.ingress();
			if (!side.denies()) {
				continue;
			}
			String where = (direction == Direction.EGRESS) ? "egress at the source" : "ingress at the destination";
			if (side.dropReason() == Decision.DropReason.POLICY_DENY) {
				notes.add("The " + where + " is denied by a deny rule, which wins over any allow: remove or narrow that"
						+ " rule instead (see the explanation).");
				continue;
			}
			if (side.dropReason() == Decision.DropReason.AUTH_REQUIRED) {
				notes.add("The " + where + " is denied because mutual authentication is required and cannot complete;"
						+ " an allow rule does not change that.");
				continue;
			}
			Traffic.Endpoint subject = (direction == Direction.EGRESS) ? traffic.from() : traffic.to();
			Map<String, Object> policy = policy(traffic, direction, subject, notes);
			if (policy != null) {
				documents.add(policy);
				@SuppressWarnings("unchecked")
				Map<String, Object> metadata = (Map<String, Object>) policy.get("metadata");
				names.add("CiliumNetworkPolicy/" + metadata.get("namespace") + "/" + metadata.get("name"));
				notes.add("Adds " + names.get(names.size() - 1) + ": allows exactly this traffic on the " + where + ".");
			}
		}
		if (traffic.to() instanceof Traffic.Fqdn && decision.egress().denies()) {
			notes.add("toFQDNs selects the addresses Cilium learned from DNS answers: the source must also be allowed to"
					+ " ask DNS (for example toEndpoints kube-dns on 53/UDP with rules.dns matchPattern \"*\").");
		}
		DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setExplicitStart(false)
			.build();
		Dump dump = new Dump(settings);
		String yaml = String.join("---\n", documents.stream().map(dump::dumpToString).toList());
		return new Suggestion(yaml, names, notes, decision);
	}

	private static @Nullable Map<String, Object> policy(Traffic traffic, Direction direction, Traffic.Endpoint subject,
			List<String> notes) {
		String namespace;
		Map<String, String> labels;
		if (subject instanceof Traffic.Pod pod) {
			namespace = pod.namespace();
			labels = pod.labels();
		}
		else if (subject instanceof Traffic.Namespace ns) {
			namespace = ns.name();
			labels = Map.of();
		}
		else {
			notes.add("The " + direction.name().toLowerCase(Locale.ROOT) + " side belongs to " + subject.describe()
					+ ", which a CiliumNetworkPolicy cannot select; allow it with a host or clusterwide policy.");
			return null;
		}
		Traffic.Endpoint peer = (direction == Direction.EGRESS) ? traffic.to() : traffic.from();
		Map<String, Object> rule = new LinkedHashMap<>();
		boolean ingress = direction == Direction.INGRESS;
		if (peer instanceof Traffic.Pod pod) {
			Map<String, String> match = new LinkedHashMap<>(pod.labels());
			if (!pod.namespace().equals(namespace) || match.isEmpty()) {
				match.put("k8s:io.kubernetes.pod.namespace", pod.namespace());
			}
			rule.put(ingress ? "fromEndpoints" : "toEndpoints", List.of(Map.of("matchLabels", match)));
		}
		else if (peer instanceof Traffic.Namespace ns) {
			rule.put(ingress ? "fromEndpoints" : "toEndpoints",
					List.of(Map.of("matchLabels", Map.of("k8s:io.kubernetes.pod.namespace", ns.name()))));
		}
		else if (peer instanceof Traffic.Entity entity) {
			rule.put(ingress ? "fromEntities" : "toEntities", List.of(entity.name()));
		}
		else if (peer instanceof Traffic.Ip ip) {
			String cidr = ip.address().contains("/") ? ip.address()
					: ip.address() + (ip.address().contains(":") ? "/128" : "/32");
			rule.put(ingress ? "fromCIDR" : "toCIDR", List.of(cidr));
		}
		else if (peer instanceof Traffic.Fqdn fqdn) {
			rule.put("toFQDNs", List.of(Map.of("matchName", fqdn.name())));
		}
		Map<String, Object> port = new LinkedHashMap<>();
		port.put("ports", List.of(Map.of("port", String.valueOf(traffic.port()), "protocol", traffic.protocol().name())));
		Map<String, Object> rules = l7(traffic.l7(), ingress);
		if (rules != null) {
			port.put("rules", rules);
		}
		rule.put("toPorts", List.of(port));
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("name", name(traffic));
		metadata.put("namespace", namespace);
		Map<String, Object> spec = new LinkedHashMap<>();
		spec.put("endpointSelector", labels.isEmpty() ? Map.of() : Map.of("matchLabels", new LinkedHashMap<>(labels)));
		spec.put(ingress ? "ingress" : "egress", List.of(rule));
		Map<String, Object> policy = new LinkedHashMap<>();
		policy.put("apiVersion", "cilium.io/v2");
		policy.put("kind", "CiliumNetworkPolicy");
		policy.put("metadata", metadata);
		policy.put("spec", spec);
		return policy;
	}

	private static @Nullable Map<String, Object> l7(Traffic.@Nullable L7 l7, boolean ingress) {
		if (l7 instanceof Traffic.Http http) {
			Map<String, Object> rule = new LinkedHashMap<>();
			rule.put("method", anchored(http.method()));
			rule.put("path", anchored(http.path()));
			if (http.host() != null) {
				rule.put("host", anchored(http.host()));
			}
			return Map.of("http", List.of(rule));
		}
		if (l7 instanceof Traffic.Grpc grpc) {
			return Map.of("http", List.of(Map.of("method", "POST", "path", anchored("/" + grpc.service() + "/" + grpc.method()))));
		}
		if (l7 instanceof Traffic.Kafka kafka) {
			Map<String, Object> rule = new LinkedHashMap<>();
			rule.put("apiKey", kafka.apiKey());
			if (kafka.topic() != null) {
				rule.put("topic", kafka.topic());
			}
			if (kafka.clientId() != null) {
				rule.put("clientID", kafka.clientId());
			}
			return Map.of("kafka", List.of(rule));
		}
		if (l7 instanceof Traffic.Dns dns && !ingress) {
			String name = dns.query().endsWith(".") ? dns.query().substring(0, dns.query().length() - 1) : dns.query();
			return Map.of("dns", List.of(Map.of("matchName", name)));
		}
		return null;
	}

	/**
	 * An RE2 pattern matching exactly {@code text} (Envoy matches the whole value): every RE2 metacharacter escaped,
	 * {@code /reviews/1.0} is {@code /reviews/1\\.0}.
	 */
	public static String anchored(String text) {
		StringBuilder escaped = new StringBuilder();
		for (char c : text.toCharArray()) {
			if ("\\.^$|?*+()[]{}".indexOf(c) >= 0) {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

	/** {@code allow-<from>-to-<to>-<port>}, a DNS-1123 name of at most 63 characters. */
	private static String name(Traffic traffic) {
		String raw = "allow-" + short_(traffic.from()) + "-to-" + short_(traffic.to()) + "-" + traffic.port() + "-"
				+ traffic.protocol().name().toLowerCase(Locale.ROOT);
		String name = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-");
		if (name.length() > 63) {
			name = name.substring(0, 54) + "-" + Integer.toHexString(raw.hashCode() & 0xfffffff);
		}
		return name.replaceAll("^-+|-+$", "");
	}

	private static String short_(Traffic.Endpoint endpoint) {
		if (endpoint instanceof Traffic.Pod pod) {
			String app = pod.labels().getOrDefault("app", pod.labels().values().stream().findFirst().orElse("pods"));
			return app;
		}
		if (endpoint instanceof Traffic.Namespace ns) {
			return ns.name();
		}
		if (endpoint instanceof Traffic.Entity entity) {
			return entity.name();
		}
		if (endpoint instanceof Traffic.Fqdn fqdn) {
			return fqdn.name();
		}
		return "cidr";
	}

}
