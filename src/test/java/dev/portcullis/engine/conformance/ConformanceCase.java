package dev.portcullis.engine.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.Decision.SideDecision;
import dev.portcullis.engine.eval.Decision.SideExplanation;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.eval.EngineOptions.AllowLocalhost;
import dev.portcullis.engine.eval.EngineOptions.DnsRejectResponse;
import dev.portcullis.engine.eval.EngineOptions.PolicyEnforcementMode;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.flow.Flow.Header;
import dev.portcullis.engine.flow.Flow.L7Request;
import dev.portcullis.engine.flow.Flow.NamedPort;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One conformance case in the compact notation of {@code cilium-vectors.yaml}: policies (YAML text), optional
 * {@code agent_config}, {@code namespaces} (namespace labels), {@code dns_cache} (name to IPs, giving world
 * destinations their {@code destination_names}), {@code expect_policy}, and flows with their expectations.
 * <p>
 * Portcullis extensions used by {@code portcullis-cases.yaml}: {@code agent_config.enable_host_firewall} (false
 * unless set, as in Cilium; the vectors' host-policy cases are all invalid policies, so none needs it); flow
 * fields {@code reply}, {@code node_labels},
 * {@code destination_service}, {@code destination_names}, {@code http.protocol}; expectation fields
 * {@code sides: {egress, ingress}} (side outcomes), {@code redirected}, {@code response.grpc_status},
 * {@code response.kafka_injected}, and {@code explanation} ({@code summary_contains}, {@code notes_contain},
 * and per side {@code selected_by}, {@code default_deny}, {@code default_deny_by}, {@code decided_by},
 * {@code reason_contains}); case field {@code inventory} (the text of {@code kubectl get ... -o yaml}: the cluster
 * state the policies are compiled against) and expectation {@code uncertain} ({@code false}: the decision is
 * certain; a text: the decision is uncertain and its reason contains the text).
 * <p>
 * Every map of a case accepts only the keys listed below and refuses any other with a message naming the key and
 * the case: a misspelt expectation would otherwise be ignored and its check silently lost. Keys that document
 * (title, rationale, decision, confidence, note, dns_cache_note, kubectl_default, api_client_default) are known
 * and not checked.
 */
final class ConformanceCase {

	static final Set<String> FILE_KEYS = Set.of("schema", "assumptions", "cases", "dns_pattern_vectors");

	static final Set<String> DNS_PATTERN_VECTOR_KEYS = Set.of("pattern", "name", "match", "regex");

	static final Set<String> CASE_KEYS = Set.of("id", "title", "policies", "flows", "rationale", "decision",
			"confidence", "expect_policy", "agent_config", "cilium_version", "namespaces", "dns_cache",
			"dns_cache_note", "inventory");

	static final Set<String> EXPECT_POLICY_KEYS = Set.of("policy_valid", "error_contains", "flows_assume",
			"kubectl_default", "api_client_default");

	static final Set<String> AGENT_CONFIG_KEYS = Set.of("enable_policy", "policy_audit_mode", "cluster_name",
			"allow_localhost", "policy_default_local_cluster", "policy_cidr_match_mode", "enable_node_selector_labels",
			"enable_non_default_deny_policies", "tofqdns_dns_reject_response_code", "enable_host_firewall",
			"mesh_auth_mutual_enabled");

	static final Set<String> FLOW_KEYS = Set.of("src", "dst", "proto", "dport", "icmp_type", "http", "kafka", "dns",
			"tls", "reply", "node_labels", "destination_names", "destination_service", "expect", "decision");

	static final Set<String> PEER_KEYS = Set.of("pod", "world", "entity", "ip", "labels");

	static final Set<String> POD_KEYS = Set.of("ns", "labels", "sa", "cluster", "ip", "name", "named_ports",
			"namespace_labels");

	static final Set<String> NAMED_PORT_KEYS = Set.of("name", "port", "protocol");

	static final Set<String> HTTP_KEYS = Set.of("method", "path", "host", "headers", "protocol");

	static final Set<String> KAFKA_KEYS = Set.of("api_key", "api_version", "client_id", "topic", "topics");

	static final Set<String> DNS_KEYS = Set.of("query", "qtype", "qtypes");

	static final Set<String> TLS_KEYS = Set.of("sni");

	static final Set<String> SERVICE_KEYS = Set.of("name", "namespace", "labels");

	static final Set<String> EXPECT_KEYS = Set.of("verdict", "enforced_at", "drop_reason", "l7_denied", "response",
			"hubble_policy_verdict", "would_be", "sides", "explanation", "redirected", "note", "uncertain");

	static final Set<String> RESPONSE_KEYS = Set.of("http_status", "body", "grpc_status", "kafka_error_code",
			"kafka_error", "kafka_injected", "dns_rcode", "dns_rcode_name", "tcp_reset", "note");

	static final Set<String> WOULD_BE_KEYS = Set.of("verdict", "drop_reason");

	static final Set<String> SIDES_KEYS = Set.of("egress", "ingress");

	static final Set<String> EXPLANATION_KEYS = Set.of("summary_contains", "notes_contain", "egress", "ingress");

	static final Set<String> EXPLANATION_SIDE_KEYS = Set.of("selected_by", "default_deny", "default_deny_by",
			"decided_by", "reason_contains", "matched_deny_rules", "matched_allow_rules");

	private final Map<String, Object> raw;

	private final Map<String, Map<String, Object>> namespaces;

	private final Map<String, List<String>> dnsCache;

	private @Nullable ParseResult parsed;

	private @Nullable CompiledPolicies compiled;

	/**
	 * @throws IllegalArgumentException when a map of the case has a key the format does not know, or a value that
	 *         can mean nothing (a verdict other than ALLOWED and DENIED, a peer that is not exactly one of pod,
	 *         world and entity)
	 */
	ConformanceCase(Map<String, Object> raw) {
		this.raw = raw;
		checkFormat(raw);
		this.namespaces = new TreeMap<>();
		map(raw.get("namespaces")).forEach((ns, labels) -> this.namespaces.put(ns, map(labels)));
		this.dnsCache = new TreeMap<>();
		map(raw.get("dns_cache")).forEach((name, ips) -> this.dnsCache.put(name, strings(ips)));
	}

	String id() {
		return String.valueOf(this.raw.get("id"));
	}

	private static void checkFormat(Map<String, Object> raw) {
		String id = "case " + raw.get("id");
		checkKeys(raw, CASE_KEYS, id);
		if (raw.get("id") == null) {
			throw new IllegalArgumentException("a case without id: " + raw.keySet());
		}
		Map<String, Object> expectPolicy = map(raw.get("expect_policy"));
		checkKeys(expectPolicy, EXPECT_POLICY_KEYS, id + ", expect_policy");
		Object valid = expectPolicy.get("policy_valid");
		if (valid != null && !Set.of(true, false, "depends_on_client").contains(valid)) {
			throw new IllegalArgumentException(id + ", expect_policy: policy_valid is true, false or "
					+ "depends_on_client, not \"" + valid + "\"");
		}
		checkKeys(map(raw.get("agent_config")), AGENT_CONFIG_KEYS, id + ", agent_config");
		List<Map<String, Object>> flows = maps(raw.get("flows"));
		for (int i = 0; i < flows.size(); i++) {
			checkFlow(flows.get(i), id + ", flow " + i);
		}
	}

	private static void checkFlow(Map<String, Object> flow, String where) {
		checkKeys(flow, FLOW_KEYS, where);
		checkPeer(map(flow.get("src")), where + ", src");
		checkPeer(map(flow.get("dst")), where + ", dst");
		checkKeys(map(flow.get("http")), HTTP_KEYS, where + ", http");
		checkKeys(map(flow.get("kafka")), KAFKA_KEYS, where + ", kafka");
		checkKeys(map(flow.get("dns")), DNS_KEYS, where + ", dns");
		checkKeys(map(flow.get("tls")), TLS_KEYS, where + ", tls");
		checkKeys(map(flow.get("destination_service")), SERVICE_KEYS, where + ", destination_service");
		Map<String, Object> expect = map(flow.get("expect"));
		checkKeys(expect, EXPECT_KEYS, where + ", expect");
		if (!Set.of("ALLOWED", "DENIED").contains(String.valueOf(expect.get("verdict")))) {
			throw new IllegalArgumentException(where + ", expect: verdict is ALLOWED or DENIED, not \""
					+ expect.get("verdict") + "\"");
		}
		checkKeys(map(expect.get("response")), RESPONSE_KEYS, where + ", expect.response");
		Map<String, Object> wouldBe = map(expect.get("would_be"));
		checkKeys(wouldBe, WOULD_BE_KEYS, where + ", expect.would_be");
		if (wouldBe.get("verdict") != null && !"DENIED".equals(wouldBe.get("verdict"))) {
			throw new IllegalArgumentException(where + ", expect.would_be: verdict can only be DENIED (what audit "
					+ "mode let through), not \"" + wouldBe.get("verdict") + "\"");
		}
		checkKeys(map(expect.get("sides")), SIDES_KEYS, where + ", expect.sides");
		Map<String, Object> explanation = map(expect.get("explanation"));
		checkKeys(explanation, EXPLANATION_KEYS, where + ", expect.explanation");
		checkKeys(map(explanation.get("egress")), EXPLANATION_SIDE_KEYS, where + ", expect.explanation.egress");
		checkKeys(map(explanation.get("ingress")), EXPLANATION_SIDE_KEYS, where + ", expect.explanation.ingress");
	}

	private static void checkPeer(Map<String, Object> peer, String where) {
		checkKeys(peer, PEER_KEYS, where);
		long kinds = peer.keySet().stream().filter(Set.of("pod", "world", "entity")::contains).count();
		if (kinds != 1) {
			throw new IllegalArgumentException(where + ": a peer is exactly one of pod, world and entity, got "
					+ peer.keySet());
		}
		Map<String, Object> pod = map(peer.get("pod"));
		checkKeys(pod, POD_KEYS, where + ", pod");
		if (pod.get("named_ports") instanceof List<?>) {
			for (Map<String, Object> port : maps(pod.get("named_ports"))) {
				checkKeys(port, NAMED_PORT_KEYS, where + ", pod.named_ports");
			}
		}
	}

	/**
	 * Refuses a key of {@code map} that is not in {@code known}.
	 * @param where the case and the part of it, for the message ({@code case H-06, flow 2, expect})
	 */
	static void checkKeys(Map<String, Object> map, Set<String> known, String where) {
		Set<String> unknown = new TreeSet<>(map.keySet());
		unknown.removeAll(known);
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException(where + ": unknown key" + ((unknown.size() > 1) ? "s " : " ")
					+ String.join(", ", unknown) + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
		}
	}

	String title() {
		return String.valueOf(this.raw.get("title"));
	}

	EngineOptions options() {
		Object version = this.raw.get("cilium_version");
		EngineOptions options = EngineOptions.DEFAULTS.withCiliumVersion((version != null)
				? CiliumVersion.parse(String.valueOf(version)) : CiliumVersion.DEFAULT);
		Map<String, Object> config = map(this.raw.get("agent_config"));
		for (Map.Entry<String, Object> entry : config.entrySet()) {
			String value = String.valueOf(entry.getValue());
			options = switch (entry.getKey()) {
				case "enable_policy" -> options.withEnforcementMode(PolicyEnforcementMode.valueOf(value.toUpperCase()));
				case "policy_audit_mode" -> options.withAuditMode(Boolean.parseBoolean(value));
				case "cluster_name" -> options.withClusterName(value);
				case "allow_localhost" -> options.withAllowLocalhost(AllowLocalhost.valueOf(value.toUpperCase()));
				case "policy_default_local_cluster" -> options.withPolicyDefaultLocalCluster(Boolean.parseBoolean(value));
				case "policy_cidr_match_mode" -> options.withCidrMatchesNodes(value.equals("nodes"));
				case "enable_node_selector_labels" -> options.withNodeSelectorLabels(Boolean.parseBoolean(value));
				case "enable_non_default_deny_policies" -> options
					.withNonDefaultDenyPolicies(Boolean.parseBoolean(value));
				case "enable_host_firewall" -> options.withHostFirewall(Boolean.parseBoolean(value));
				case "tofqdns_dns_reject_response_code" -> options.withDnsRejectResponse(
						value.equals("nameError") ? DnsRejectResponse.NAME_ERROR : DnsRejectResponse.REFUSED);
				case "mesh_auth_mutual_enabled" -> options.withMutualAuthentication(Boolean.parseBoolean(value));
				default -> throw new IllegalArgumentException("unknown agent_config " + entry.getKey());
			};
		}
		return options;
	}

	/** Parses the policies and checks {@code expect_policy}. */
	void checkPolicies() {
		parsed();
	}

	CompiledPolicies compiled() {
		if (this.compiled == null) {
			this.compiled = CompiledPolicies.compile(parsed().policies(), options(), inventory());
		}
		return this.compiled;
	}

	/** The case's {@code inventory}, read as kubectl output; null when the case has none. */
	private dev.portcullis.engine.inventory.@Nullable Inventory inventory() {
		Object text = this.raw.get("inventory");
		if (text == null) {
			return null;
		}
		YamlDocuments yaml = YamlReader.read(String.valueOf(text));
		assertThat(yaml.errors()).as("YAML of the case's inventory").isEmpty();
		dev.portcullis.engine.inventory.InventoryReadResult read = dev.portcullis.engine.inventory.InventoryReader
			.read(yaml.documents());
		assertThat(read.errors()).as("the case's inventory").isEmpty();
		return read.inventory();
	}

	private ParseResult parsed() {
		if (this.parsed != null) {
			return this.parsed;
		}
		List<Node> documents = new ArrayList<>();
		for (String text : strings(this.raw.get("policies"))) {
			YamlDocuments yaml = YamlReader.read(text);
			assertThat(yaml.errors()).as("YAML of the case").isEmpty();
			documents.addAll(yaml.documents());
		}
		Object version = this.raw.get("cilium_version");
		CiliumVersion target = (version != null) ? CiliumVersion.parse(String.valueOf(version))
				: CiliumVersion.DEFAULT;
		ParseResult result = PolicyParser.parse(documents, target);
		Map<String, Object> expect = map(this.raw.get("expect_policy"));
		Object valid = expect.get("policy_valid");
		if (Boolean.FALSE.equals(valid)) {
			assertThat(result.errors()).as("the parser must reject the object").isNotEmpty();
			String contains = (String) expect.get("error_contains");
			if (contains != null) {
				assertThat(result.errors()).extracting(Violation::message)
					.anySatisfy((message) -> assertThat(message).containsIgnoringCase(contains));
			}
			assertThat(result.policies()).hasSizeLessThan(documents.size());
		}
		else if ("depends_on_client".equals(valid) && "pruned".equals(expect.get("flows_assume"))) {
			// The API server prunes unknown fields for clients that do not ask for strict validation.
			if (result.hasErrors()) {
				List<Node> pruned = new ArrayList<>(documents);
				for (Violation error : result.errors()) {
					pruned.set(error.document(), remove(pruned.get(error.document()), error.path()));
				}
				result = PolicyParser.parse(pruned, target);
			}
			assertThat(result.errors()).as("after pruning").isEmpty();
		}
		else {
			assertThat(result.errors()).as("the policies are valid").isEmpty();
		}
		this.parsed = result;
		return result;
	}

	List<FlowCase> flows() {
		return maps(this.raw.get("flows")).stream().map(FlowCase::new).toList();
	}

	/** One flow of a case and its expectation. */
	final class FlowCase {

		private final Map<String, Object> raw;

		FlowCase(Map<String, Object> raw) {
			this.raw = raw;
		}

		String describe() {
			Map<String, Object> copy = new LinkedHashMap<>(this.raw);
			return copy.toString().replace("\n", " ");
		}

		Flow flow() {
			Map<String, Object> src = map(this.raw.get("src"));
			Map<String, Object> dst = map(this.raw.get("dst"));
			Peer source = peer(src);
			Peer destination = peer(dst);
			String proto = String.valueOf(this.raw.getOrDefault("proto", "TCP"));
			Protocol protocol = switch (proto) {
				case "ICMPv4" -> Protocol.ICMPV4;
				case "ICMPv6" -> Protocol.ICMPV6;
				default -> Protocol.valueOf(proto);
			};
			int port = integer(this.raw.get("dport"), 0);
			int icmpType = (protocol == Protocol.ICMPV4 || protocol == Protocol.ICMPV6)
					? integer(this.raw.get("icmp_type"), 0) : -1;
			List<String> names = new ArrayList<>(strings(this.raw.get("destination_names")));
			if (destination.ip() != null) {
				ConformanceCase.this.dnsCache.forEach((name, ips) -> {
					if (ips.contains(destination.ip())) {
						names.add(name);
					}
				});
			}
			String sni = null;
			if (this.raw.get("tls") != null) {
				sni = (String) map(this.raw.get("tls")).get("sni");
			}
			Flow.Service service = null;
			if (this.raw.get("destination_service") != null) {
				Map<String, Object> svc = map(this.raw.get("destination_service"));
				service = new Flow.Service((String) svc.get("name"), (String) svc.get("namespace"),
						strings(svc.get("labels")));
			}
			boolean reply = Boolean.TRUE.equals(this.raw.get("reply"));
			return new Flow(source.endpoint(), destination.endpoint(), source.ip(), destination.ip(), protocol, port,
					icmpType, l7(), names, sni, reply, strings(this.raw.get("node_labels")), service);
		}

		private @Nullable L7Request l7() {
			if (this.raw.get("http") != null) {
				Map<String, Object> http = map(this.raw.get("http"));
				String path = String.valueOf(http.getOrDefault("path", "/"));
				Object host = http.get("host");
				String url = (host != null) ? "http://" + host + path : path;
				List<Header> headers = new ArrayList<>();
				map(http.get("headers")).forEach((k, v) -> headers.add(new Header(k, String.valueOf(v))));
				return new Flow.Http(String.valueOf(http.getOrDefault("method", "GET")), url, headers,
						(String) http.get("protocol"));
			}
			if (this.raw.get("kafka") != null) {
				Map<String, Object> kafka = map(this.raw.get("kafka"));
				List<String> topics = new ArrayList<>(strings(kafka.get("topics")));
				if (topics.isEmpty() && kafka.get("topic") != null) {
					topics.add(String.valueOf(kafka.get("topic")));
				}
				return new Flow.Kafka(String.valueOf(kafka.get("api_key")), integer(kafka.get("api_version"), 0),
						(String) kafka.get("client_id"), topics);
			}
			if (this.raw.get("dns") != null) {
				Map<String, Object> dns = map(this.raw.get("dns"));
				List<String> qtypes = new ArrayList<>(strings(dns.get("qtypes")));
				if (dns.get("qtype") != null) {
					qtypes.add(String.valueOf(dns.get("qtype")));
				}
				return new Flow.Dns(String.valueOf(dns.get("query")), qtypes);
			}
			return null;
		}

		private Peer peer(Map<String, Object> spec) {
			if (spec.get("pod") != null) {
				Map<String, Object> pod = map(spec.get("pod"));
				String ns = String.valueOf(pod.get("ns"));
				String cluster = String.valueOf(pod.getOrDefault("cluster", "default"));
				List<String> labels = new ArrayList<>();
				map(pod.get("labels")).forEach((k, v) -> labels.add("k8s:" + k + "=" + v));
				labels.add("k8s:io.kubernetes.pod.namespace=" + ns);
				labels.add("k8s:io.cilium.k8s.policy.serviceaccount=" + pod.getOrDefault("sa", "default"));
				labels.add("k8s:io.cilium.k8s.policy.cluster=" + cluster);
				// namespace_labels: false gives a pod without namespace labels (a flow that lacks them)
				if (!Boolean.FALSE.equals(pod.get("namespace_labels"))) {
					Map<String, Object> nsLabels = new TreeMap<>(ConformanceCase.this.namespaces.getOrDefault(ns, Map.of()));
					nsLabels.put("kubernetes.io/metadata.name", ns);
					nsLabels.forEach((k, v) -> labels.add("k8s:io.cilium.k8s.namespace.labels." + k + "=" + v));
				}
				List<NamedPort> namedPorts = new ArrayList<>();
				Object ports = pod.get("named_ports");
				if (ports instanceof Map<?, ?> byName) {
					byName.forEach((name, port) -> namedPorts
						.add(new NamedPort(String.valueOf(name), integer(port, 0), Protocol.TCP)));
				}
				else if (ports != null) {
					for (Map<String, Object> port : maps(ports)) {
						namedPorts.add(new NamedPort(String.valueOf(port.get("name")), integer(port.get("port"), 0),
								Protocol.valueOf(String.valueOf(port.getOrDefault("protocol", "TCP")))));
					}
				}
				return new Peer(new Endpoint(ns, labels, (String) pod.get("name"), cluster, namedPorts),
						(String) pod.get("ip"));
			}
			if (spec.get("world") != null) {
				return new Peer(new Endpoint(null, List.of("reserved:world"), null, null, List.of()),
						String.valueOf(spec.get("world")));
			}
			String entity = String.valueOf(spec.get("entity"));
			List<String> labels = new ArrayList<>(List.of("reserved:" + entity));
			if (entity.equals("kube-apiserver")) {
				labels.add("reserved:remote-node");
			}
			labels.addAll(strings(spec.get("labels")));
			return new Peer(new Endpoint(null, labels, null, null, List.of()), (String) spec.get("ip"));
		}

		void check(Decision decision) {
			Map<String, Object> expect = map(this.raw.get("expect"));
			String summary = (decision.explanation() != null) ? decision.explanation().summary() : "";
			String verdict = String.valueOf(expect.get("verdict"));
			Object hubble = expect.get("hubble_policy_verdict");
			if (verdict.equals("ALLOWED")) {
				assertThat(decision.verdict()).as(summary)
					.isEqualTo((hubble != null) ? Decision.Verdict.valueOf(String.valueOf(hubble))
							: Decision.Verdict.FORWARDED);
				assertThat(decision.l7()).isNull();
			}
			else {
				assertThat(decision.verdict()).as(summary).isEqualTo(Decision.Verdict.DROPPED);
			}
			Object uncertain = expect.get("uncertain");
			if (Boolean.FALSE.equals(uncertain)) {
				assertThat(decision.uncertain()).as("the decision needs no missing cluster state").isNull();
			}
			else if (uncertain != null) {
				assertThat(decision.uncertain()).as("why the decision is uncertain").isNotNull()
					.contains(String.valueOf(uncertain));
			}
			Object enforcedAt = expect.get("enforced_at");
			if (enforcedAt != null) {
				assertThat(decision.deniedAt()).as(summary)
					.isEqualTo(Direction.valueOf(String.valueOf(enforcedAt).toUpperCase()));
			}
			Object dropReason = expect.get("drop_reason");
			if (dropReason != null) {
				assertThat(decision.dropReason()).as(summary)
					.isEqualTo(Decision.DropReason.valueOf(String.valueOf(dropReason)));
				assertThat(decision.l7()).as("an L3/L4 drop is not an L7 denial").isNull();
			}
			Map<String, Object> wouldBe = map(expect.get("would_be"));
			if (wouldBe.get("verdict") != null) {
				assertThat(List.of(decision.egress().outcome(), decision.ingress().outcome())).as(summary)
					.contains(Decision.Outcome.AUDIT);
			}
			if (wouldBe.get("drop_reason") != null) {
				Decision.DropReason reason = Decision.DropReason.valueOf(String.valueOf(wouldBe.get("drop_reason")));
				assertThat(List.of(decision.egress(), decision.ingress())).as(summary)
					.contains(new SideDecision(Decision.Outcome.AUDIT, reason, false));
			}
			if (Boolean.TRUE.equals(expect.get("l7_denied"))) {
				checkL7(decision, map(expect.get("response")), summary);
			}
			else if (verdict.equals("DENIED")) {
				assertThat(decision.l7()).as(summary).isNull();
			}
			Map<String, Object> sides = map(expect.get("sides"));
			if (sides.get("egress") != null) {
				assertThat(decision.egress().outcome()).as(summary)
					.isEqualTo(Decision.Outcome.valueOf(String.valueOf(sides.get("egress"))));
			}
			if (sides.get("ingress") != null) {
				assertThat(decision.ingress().outcome()).as(summary)
					.isEqualTo(Decision.Outcome.valueOf(String.valueOf(sides.get("ingress"))));
			}
			if (expect.get("redirected") != null) {
				assertThat(decision.egress().redirectedToProxy() || decision.ingress().redirectedToProxy())
					.as(summary)
					.isEqualTo(expect.get("redirected"));
			}
			checkExplanation(decision, map(expect.get("explanation")));
		}

		private void checkL7(Decision decision, Map<String, Object> response, String summary) {
			assertThat(decision.l7()).as(summary).isNotNull();
			Decision.L7Denial l7 = decision.l7();
			assertThat(decision.egress().outcome() == Decision.Outcome.L7_DENIED
					|| decision.ingress().outcome() == Decision.Outcome.L7_DENIED).isTrue();
			if (response.get("http_status") != null) {
				assertThat(l7.httpStatus()).isEqualTo(response.get("http_status"));
			}
			if (response.get("body") != null) {
				assertThat(l7.httpBody()).isEqualTo(response.get("body"));
			}
			if (response.get("grpc_status") != null) {
				assertThat(l7.grpcStatus()).isEqualTo(response.get("grpc_status"));
				assertThat(l7.httpStatus()).isNull();
			}
			if (response.get("kafka_error_code") != null) {
				assertThat(l7.kafkaErrorCode()).isEqualTo(response.get("kafka_error_code"));
			}
			if (response.get("kafka_error") != null) {
				assertThat(l7.description()).contains(" " + l7.kafkaErrorCode() + " " + response.get("kafka_error"));
			}
			if (response.get("kafka_injected") != null) {
				assertThat(l7.protocol()).isEqualTo(Decision.L7Protocol.KAFKA);
				assertThat(l7.kafkaResponseInjected()).isEqualTo(response.get("kafka_injected"));
			}
			if (response.get("dns_rcode") != null) {
				assertThat(l7.dnsRcode()).isEqualTo(response.get("dns_rcode"));
			}
			if (response.get("dns_rcode_name") != null) {
				assertThat(l7.description()).contains(response.get("dns_rcode_name") + " (rcode " + l7.dnsRcode() + ")");
			}
			if (response.get("tcp_reset") != null) {
				assertThat(l7.tcpReset()).isEqualTo(response.get("tcp_reset"));
			}
		}

		private void checkExplanation(Decision decision, Map<String, Object> expect) {
			if (expect.isEmpty()) {
				return;
			}
			Decision.Explanation explanation = decision.explanation();
			assertThat(explanation).isNotNull();
			for (String text : strings(expect.get("summary_contains"))) {
				assertThat(explanation.summary()).contains(text);
			}
			for (String text : strings(expect.get("notes_contain"))) {
				assertThat(explanation.notes()).anySatisfy((note) -> assertThat(note).contains(text));
			}
			checkSide(explanation.egress(), map(expect.get("egress")), explanation.summary());
			checkSide(explanation.ingress(), map(expect.get("ingress")), explanation.summary());
		}

		private void checkSide(SideExplanation side, Map<String, Object> expect, String summary) {
			if (expect.containsKey("selected_by")) {
				assertThat(side.selectedBy()).extracting(Object::toString).as(summary)
					.containsExactlyElementsOf(strings(expect.get("selected_by")));
			}
			if (expect.containsKey("default_deny")) {
				assertThat(side.defaultDeny()).as(summary).isEqualTo(expect.get("default_deny"));
			}
			if (expect.containsKey("default_deny_by")) {
				assertThat(side.defaultDenyBy()).extracting((r) -> r.policy() + " " + r.path()).as(summary)
					.containsExactlyElementsOf(strings(expect.get("default_deny_by")));
			}
			if (expect.containsKey("decided_by")) {
				Object decidedBy = expect.get("decided_by");
				if (decidedBy == null) {
					assertThat(side.decidedBy()).as(summary).isNull();
				}
				else {
					assertThat(side.decidedBy()).as(summary).isNotNull();
					assertThat(side.decidedBy().toString()).as(summary).isEqualTo(decidedBy);
				}
			}
			for (String text : strings(expect.get("reason_contains"))) {
				assertThat(side.reason()).contains(text);
			}
			if (expect.containsKey("matched_deny_rules")) {
				assertThat(side.matchedDenyRules()).extracting(Object::toString).as(summary)
					.containsExactlyElementsOf(strings(expect.get("matched_deny_rules")));
			}
			if (expect.containsKey("matched_allow_rules")) {
				assertThat(side.matchedAllowRules()).extracting(Object::toString).as(summary)
					.containsExactlyElementsOf(strings(expect.get("matched_allow_rules")));
			}
		}

	}

	private record Peer(Endpoint endpoint, @Nullable String ip) {
	}

	/** The document with the field at {@code path} ({@code spec.a[0].b}) removed. */
	static Node remove(Node node, String path) {
		if (path.isEmpty()) {
			return node;
		}
		int dot = path.indexOf('.');
		int bracket = path.indexOf('[');
		if (node instanceof MapNode map) {
			int end = (dot < 0) ? ((bracket < 0) ? path.length() : bracket)
					: ((bracket < 0) ? dot : Math.min(dot, bracket));
			String key = path.substring(0, end);
			String rest = path.substring(end).replaceFirst("^\\.", "");
			Map<String, Node> entries = new LinkedHashMap<>(map.entries());
			if (rest.isEmpty()) {
				entries.remove(key);
			}
			else if (entries.get(key) != null) {
				entries.put(key, remove(entries.get(key), rest));
			}
			return new MapNode(entries, map.keyPositions(), map.position());
		}
		if (node instanceof ListNode list && path.startsWith("[")) {
			int close = path.indexOf(']');
			int index = Integer.parseInt(path.substring(1, close));
			String rest = path.substring(close + 1).replaceFirst("^\\.", "");
			List<Node> items = new ArrayList<>(list.items());
			if (rest.isEmpty()) {
				items.remove(index);
			}
			else {
				items.set(index, remove(items.get(index), rest));
			}
			return new ListNode(items, list.position());
		}
		return node;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(@Nullable Object value) {
		if (value == null) {
			return Map.of();
		}
		Map<String, Object> result = new LinkedHashMap<>();
		((Map<Object, Object>) value).forEach((k, v) -> result.put(String.valueOf(k), v));
		return result;
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> maps(@Nullable Object value) {
		if (value == null) {
			return List.of();
		}
		return ((List<Object>) value).stream().map(ConformanceCase::map).toList();
	}

	@SuppressWarnings("unchecked")
	static List<String> strings(@Nullable Object value) {
		if (value == null) {
			return List.of();
		}
		if (value instanceof List<?> list) {
			return ((List<Object>) list).stream().map(String::valueOf).toList();
		}
		return List.of(String.valueOf(value));
	}

	static int integer(@Nullable Object value, int absent) {
		if (value == null) {
			return absent;
		}
		return (value instanceof Number number) ? number.intValue() : Integer.parseInt(String.valueOf(value));
	}

}
