package dev.portcullis.simulation;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.portcullis.IntegrationTest;
import dev.portcullis.web.ApiLimits;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/v1/evaluate} as a pipeline calls it. */
class EvaluateApiIntegrationTests extends IntegrationTest {

	static final String L3_POLICY = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: backend-from-frontend
			  namespace: default
			spec:
			  endpointSelector:
			    matchLabels:
			      role: backend
			  ingress:
			  - fromEndpoints:
			    - matchLabels:
			        role: frontend
			""";

	static final String HTTP_POLICY = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: api-get-only
			  namespace: default
			spec:
			  endpointSelector:
			    matchLabels:
			      app: api
			  ingress:
			  - fromEndpoints:
			    - matchLabels:
			        app: web
			    toPorts:
			    - ports:
			      - port: "8080"
			        protocol: TCP
			      rules:
			        http:
			        - method: GET
			          path: /public/.*
			""";

	WebTestClient client;

	@BeforeEach
	void signIn() {
		this.client = as(Role.VIEWER);
	}

	@Autowired
	JsonMapper json;

	static Map<String, Object> pod(String namespace, String... labels) {
		List<String> all = new java.util.ArrayList<>();
		for (String label : labels) {
			all.add("k8s:" + label);
		}
		all.add("k8s:io.kubernetes.pod.namespace=" + namespace);
		return Map.of("namespace", namespace, "labels", all, "pod_name", labels[0].replace('=', '-'));
	}

	static Map<String, Object> tcpFlow(Map<String, Object> source, Map<String, Object> destination, int port) {
		return Map.of("source", source, "destination", destination, "IP",
				Map.of("source", "10.0.0.1", "destination", "10.0.0.2", "ipVersion", "IPv4"), "l4",
				Map.of("TCP", Map.of("source_port", 40000, "destination_port", port)));
	}

	JsonNode evaluate(Object request) {
		byte[] body = this.client.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request).exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody().returnResult().getResponseBody();
		return this.json.readTree(body);
	}

	JsonNode problem(Object request, int status) {
		byte[] body = this.client.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request).exchange()
			.expectStatus().isEqualTo(status)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().returnResult().getResponseBody();
		JsonNode problem = this.json.readTree(body);
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.toString()).doesNotContain("Exception", "\tat ");
		return problem;
	}

	@Test
	void evaluateShouldDecideEachFlowInOrderAndExplainWhichRuleDecided() {
		JsonNode response = evaluate(Map.of("policies", L3_POLICY, "flows", List.of(
				tcpFlow(pod("default", "role=frontend"), pod("default", "role=backend"), 80),
				tcpFlow(pod("default", "role=other"), pod("default", "role=backend"), 80),
				Map.of("flow", tcpFlow(pod("default", "role=frontend"), pod("default", "role=backend"), 443)))));

		JsonNode results = response.get("results");
		assertThat(results).hasSize(3);
		assertThat(results.get(0).get("flow").asInt()).isZero();
		assertThat(results.get(0).get("verdict").asString()).isEqualTo("FORWARDED");
		assertThat(results.get(0).get("ingress").get("outcome").asString()).isEqualTo("ALLOWED");
		assertThat(results.get(0).get("egress").get("outcome").asString()).isEqualTo("NOT_ENFORCED");
		JsonNode decidedBy = results.get(0).get("explanation").get("ingress").get("decided_by");
		assertThat(decidedBy.get("policy").asString()).isEqualTo("CiliumNetworkPolicy/default/backend-from-frontend");
		assertThat(decidedBy.get("path").asString()).isEqualTo("spec.ingress[0]");
		assertThat(results.get(0).get("explanation").get("ingress").get("selected_by").get(0).asString())
			.isEqualTo("CiliumNetworkPolicy/default/backend-from-frontend");

		assertThat(results.get(1).get("verdict").asString()).isEqualTo("DROPPED");
		assertThat(results.get(1).get("ingress").get("drop_reason").asString()).isEqualTo("POLICY_DENIED");
		assertThat(results.get(1).get("ingress").get("drop_reason_code").asInt()).isEqualTo(133);
		assertThat(results.get(1).get("explanation").get("ingress").get("default_deny").asBoolean()).isTrue();
		assertThat(results.get(1).get("explanation").get("ingress").get("decided_by").isNull()).isTrue();
		assertThat(results.get(1).get("l7").isNull()).isTrue();

		assertThat(results.get(2).get("verdict").asString()).as("the {\"flow\": ...} wrapper is accepted")
			.isEqualTo("FORWARDED");
		assertThat(response.get("policies").asInt()).isEqualTo(1);
		assertThat(response.get("cilium_version").asString()).isEqualTo("1.19");
	}

	@Test
	void httpRequestOutsideTheRulesShouldGetA403FromTheProxy() {
		Map<String, Object> web = pod("default", "app=web");
		Map<String, Object> api = pod("default", "app=api");
		Map<String, Object> allowed = new java.util.HashMap<>(tcpFlow(web, api, 8080));
		allowed.put("l7", Map.of("type", "REQUEST", "http",
				Map.of("method", "GET", "url", "http://api:8080/public/index.html", "protocol", "HTTP/1.1")));
		Map<String, Object> denied = new java.util.HashMap<>(tcpFlow(web, api, 8080));
		denied.put("l7", Map.of("type", "REQUEST", "http",
				Map.of("method", "DELETE", "url", "http://api:8080/public/index.html", "protocol", "HTTP/1.1")));

		JsonNode results = evaluate(Map.of("policies", HTTP_POLICY, "flows", List.of(allowed, denied))).get("results");

		assertThat(results.get(0).get("verdict").asString()).isEqualTo("FORWARDED");
		assertThat(results.get(0).get("ingress").get("redirected_to_proxy").asBoolean()).isTrue();
		assertThat(results.get(1).get("verdict").asString()).isEqualTo("DROPPED");
		assertThat(results.get(1).get("ingress").get("outcome").asString()).isEqualTo("L7_DENIED");
		assertThat(results.get(1).get("l7").get("http_status").asInt()).isEqualTo(403);
	}

	@Test
	void optionsShouldChangeTheVerdictsAsTheAgentSettingsWould() {
		List<Object> flows = List.of(tcpFlow(pod("default", "role=other"), pod("default", "role=backend"), 80));
		assertThat(evaluate(Map.of("policies", L3_POLICY, "flows", flows, "options", Map.of("policyAuditMode", true)))
			.get("results").get(0).get("verdict").asString()).isEqualTo("AUDIT");
		assertThat(evaluate(Map.of("policies", L3_POLICY, "flows", flows, "options",
				Map.of("policyEnforcementMode", "never"))).get("results").get(0).get("verdict").asString())
			.isEqualTo("FORWARDED");
		JsonNode always = evaluate(Map.of("policies", "", "flows",
				List.of(tcpFlow(pod("default", "app=a"), pod("default", "app=b"), 80)), "options",
				Map.of("policyEnforcementMode", "always")));
		assertThat(always.get("results").get(0).get("verdict").asString()).isEqualTo("DROPPED");
		JsonNode quiet = evaluate(Map.of("policies", L3_POLICY, "flows", flows, "options", Map.of("explain", false)));
		assertThat(quiet.get("results").get(0).has("explanation")).isFalse();
	}

	static final String DNS_POLICY = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: dns-only-example
			  namespace: default
			spec:
			  endpointSelector:
			    matchLabels:
			      app: a
			  egress:
			  - toEndpoints:
			    - matchLabels:
			        k8s:io.kubernetes.pod.namespace: kube-system
			        k8s:k8s-app: kube-dns
			    toPorts:
			    - ports:
			      - port: "53"
			        protocol: UDP
			      rules:
			        dns:
			        - matchPattern: "*.example.com"
			""";

	String verdict(String policies, Object flow, Map<String, Object> options) {
		return evaluate(Map.of("policies", policies, "flows", List.of(flow), "options", options))
			.get("results").get(0).get("verdict").asString();
	}

	/**
	 * The host firewall and node-selector-labels settings decide whether host policies and fromNodes rules count at
	 * all (computePolicyEnforcementAndRules; rule_validation.go), and the explanation names the setting.
	 */
	@Test
	void hostFirewallAndNodeSelectorLabelsShouldDecideWhetherTheirPoliciesCount() {
		String hostPolicy = """
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata: {name: host-fw}
				spec:
				  nodeSelector: {matchLabels: {node-role: worker}}
				  ingress:
				  - fromEntities: [cluster]
				""";
		Map<String, Object> sshFromWorld = new java.util.HashMap<>(tcpFlow(Map.of("labels", List.of("reserved:world")),
				Map.of("labels", List.of("reserved:host")), 22));
		sshFromWorld.put("node_labels", List.of("node-role=worker"));
		JsonNode off = evaluate(Map.of("policies", hostPolicy, "flows", List.of(sshFromWorld)));
		assertThat(off.get("results").get(0).get("verdict").asString()).isEqualTo("FORWARDED");
		assertThat(off.get("results").get(0).toString()).contains("enable-host-firewall");
		assertThat(verdict(hostPolicy, sshFromWorld, Map.of("hostFirewall", true))).isEqualTo("DROPPED");

		String fromNodes = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: from-nodes, namespace: default}
				spec:
				  endpointSelector: {matchLabels: {role: backend}}
				  ingress:
				  - fromNodes:
				    - matchLabels: {node-role: worker}
				""";
		Map<String, Object> fromOther = tcpFlow(pod("default", "role=other"), pod("default", "role=backend"), 80);
		// without node selector labels the agent refuses the whole policy: nothing selects the backend
		assertThat(verdict(fromNodes, fromOther, Map.of())).isEqualTo("FORWARDED");
		assertThat(verdict(fromNodes, fromOther, Map.of("nodeSelectorLabels", true))).isEqualTo("DROPPED");
	}

	/** The agent settings a workspace stores are evaluate's options, read by the same reader (AgentSettings). */
	@Test
	void agentSettingsShouldBeOptionsThatChangeTheVerdictWhereCiliumWould() {
		Map<String, Object> fromOther = tcpFlow(pod("default", "role=other"), pod("default", "role=backend"), 80);
		assertThat(verdict(L3_POLICY, fromOther, Map.of())).isEqualTo("DROPPED");
		assertThat(verdict(L3_POLICY, fromOther, Map.of("policyEnforcementMode", "never"))).isEqualTo("FORWARDED");
		assertThat(verdict("", tcpFlow(pod("default", "app=a"), pod("default", "app=b"), 80),
				Map.of("policyEnforcementMode", "Always"))).isEqualTo("DROPPED");

		// allow-localhost: the node reaches its pods whatever the policies, unless it is "policy"
		Map<String, Object> fromHost = tcpFlow(Map.of("labels", List.of("reserved:host")), pod("default", "role=backend"), 80);
		assertThat(verdict(L3_POLICY, fromHost, Map.of())).isEqualTo("FORWARDED");
		assertThat(verdict(L3_POLICY, fromHost, Map.of("allowLocalhost", "auto"))).isEqualTo("FORWARDED");
		assertThat(verdict(L3_POLICY, fromHost, Map.of("allowLocalhost", "policy"))).isEqualTo("DROPPED");

		// the DNS proxy's answer to a denied query
		Map<String, Object> query = Map.of("source", pod("default", "app=a"), "destination",
				pod("kube-system", "k8s-app=kube-dns"), "l4", Map.of("UDP", Map.of("source_port", 40000,
						"destination_port", 53)), "l7", Map.of("type", "REQUEST", "dns", Map.of("query", "evil.org.",
						"qtypes", List.of("A"))));
		JsonNode refused = evaluate(Map.of("policies", DNS_POLICY, "flows", List.of(query)));
		assertThat(refused.get("results").get(0).get("verdict").asString()).isEqualTo("DROPPED");
		assertThat(refused.get("results").get(0).get("l7").get("dns_rcode").asString()).isEqualTo("REFUSED");
		JsonNode nameError = evaluate(Map.of("policies", DNS_POLICY, "flows", List.of(query), "options",
				Map.of("dnsRejectResponseCode", "nameError")));
		assertThat(nameError.get("results").get(0).get("l7").get("dns_rcode").asString()).isEqualTo("NXDOMAIN");

		// enable-non-default-deny-policies: a rule's enableDefaultDeny: false is honoured unless it is off
		String notDefaultDeny = L3_POLICY.replace("  ingress:\n", "  enableDefaultDeny:\n    ingress: false\n  ingress:\n");
		assertThat(verdict(notDefaultDeny, fromOther, Map.of())).isEqualTo("FORWARDED");
		assertThat(verdict(notDefaultDeny, fromOther, Map.of("nonDefaultDenyPolicies", false))).isEqualTo("DROPPED");

		// a peer of another cluster: selected only when peers are not scoped to the local cluster, or it is the local one
		Map<String, Object> east = Map.of("namespace", "default", "cluster_name", "east", "labels", List.of(
				"k8s:role=frontend", "k8s:io.kubernetes.pod.namespace=default", "k8s:io.cilium.k8s.policy.cluster=east"));
		Map<String, Object> fromEast = tcpFlow(east, pod("default", "role=backend"), 80);
		assertThat(verdict(L3_POLICY, fromEast, Map.of())).isEqualTo("DROPPED");
		assertThat(verdict(L3_POLICY, fromEast, Map.of("policyDefaultLocalCluster", false))).isEqualTo("FORWARDED");

		// policy-cidr-match-mode=nodes: a CIDR rule also selects the cluster's nodes
		String toCidr = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: to-cidr, namespace: default}
				spec:
				  endpointSelector: {matchLabels: {app: a}}
				  egress:
				  - toCIDR: [10.0.0.0/8]
				""";
		Map<String, Object> toNode = tcpFlow(pod("default", "app=a"), Map.of("labels", List.of("reserved:remote-node")), 10250);
		assertThat(verdict(toCidr, toNode, Map.of())).isEqualTo("DROPPED");
		assertThat(verdict(toCidr, toNode, Map.of("policyCidrMatchMode", List.of("nodes")))).isEqualTo("FORWARDED");

		// every setting is accepted, written as the settings API writes it
		Map<String, Object> every = new java.util.LinkedHashMap<>();
		every.put("ciliumVersion", "1.19");
		every.put("policyEnforcementMode", "default");
		every.put("policyAuditMode", false);
		every.put("clusterName", "default");
		every.put("allowLocalhost", "always");
		every.put("policyDefaultLocalCluster", true);
		every.put("policyCidrMatchMode", List.of());
		every.put("nodeSelectorLabels", false);
		every.put("nonDefaultDenyPolicies", true);
		every.put("dnsRejectResponseCode", "refused");
		every.put("hostFirewall", false);
		every.put("mutualAuthentication", false);
		every.put("explain", false);
		assertThat(verdict(L3_POLICY, fromOther, every)).isEqualTo("DROPPED");

		// bad settings: each named, all at once
		JsonNode problem = problem(Map.of("policies", L3_POLICY, "flows", List.of(fromOther), "options",
				Map.of("clusterName", "Bad_Name", "allowLocalhost", "sometimes", "hostFirewall", 1,
						"dnsRejectResponseCode", "servfail", "explain", "no")), 400);
		assertThat(problem.get("detail").asString()).contains("options.clusterName: \"Bad_Name\" is not a cluster name")
			.contains("options.allowLocalhost: must be \"always\" or \"policy\", not \"sometimes\"")
			.contains("options.hostFirewall: must be true or false, not 1")
			.contains("options.dnsRejectResponseCode: must be \"refused\" or \"nameError\", not \"servfail\"")
			.contains("options.explain: must be true or false");
	}

	@Test
	void invalidPolicyShouldBeRefusedWithEveryViolationItsPathLineAndColumn() {
		String invalid = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: broken
				  namespace: default
				spec:
				  endpointSelector:
				    matchExpressions:
				    - key: app
				      operator: in
				      values: [web]
				  ingress:
				  - toPorts:
				    - ports:
				      - port: "80"
				        protocol: TCPX
				""";
		JsonNode problem = problem(Map.of("policies", invalid, "flows", List.of()), 400);
		assertThat(problem.get("type").asString()).isEqualTo("/problems/invalid-policies");
		JsonNode violations = problem.get("violations");
		assertThat(violations.size()).isGreaterThanOrEqualTo(2);
		assertThat(violations.toString()).contains("spec.endpointSelector.matchExpressions[0].operator")
			.contains("spec.ingress[0].toPorts[0].ports[0].protocol");
		for (JsonNode violation : violations) {
			assertThat(violation.get("document").asInt()).isZero();
			assertThat(violation.get("line").asInt()).isPositive();
			assertThat(violation.get("column").asInt()).isPositive();
			assertThat(violation.get("message").asString()).isNotBlank();
		}
		JsonNode operator = java.util.stream.StreamSupport.stream(violations.spliterator(), false)
			.filter((v) -> v.get("path").asString().endsWith("operator")).findFirst().orElseThrow();
		assertThat(operator.get("line").asInt()).isEqualTo(10);
	}

	@Test
	void malformedYamlShouldBeRefusedWithItsLineAndColumn() {
		JsonNode problem = problem(Map.of("policies", "kind: CiliumNetworkPolicy\nspec: [unclosed\n", "flows", List.of()),
				400);
		assertThat(problem.get("type").asString()).isEqualTo("/problems/invalid-policies");
		assertThat(problem.get("violations").get(0).get("line").asInt()).isPositive();
	}

	@Test
	void invalidFlowShouldBeRefusedNamingTheFlowIndexAndField() {
		Map<String, Object> bad = Map.of("source", pod("default", "role=frontend"), "destination",
				pod("default", "role=backend"), "l4", Map.of("TCP", Map.of("destination_port", "eighty")));
		JsonNode problem = problem(Map.of("policies", L3_POLICY, "flows",
				List.of(tcpFlow(pod("default", "role=frontend"), pod("default", "role=backend"), 80), bad)), 400);
		assertThat(problem.get("type").asString()).isEqualTo("/problems/invalid-flows");
		JsonNode violation = problem.get("violations").get(0);
		assertThat(violation.get("flow").asInt()).isEqualTo(1);
		assertThat(violation.get("field").asString()).contains("destination_port");
	}

	@Test
	void badEnvelopeShouldBeRefusedWithAClearProblem() {
		byte[] body = this.client.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"policies\": \"x\",\n \"flows\": [ }").exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().returnResult().getResponseBody();
		JsonNode malformed = this.json.readTree(body);
		assertThat(malformed.get("type").asString()).isEqualTo("/problems/malformed-json");
		assertThat(malformed.get("violations").get(0).get("line").asInt()).isEqualTo(2);

		JsonNode missing = problem(Map.of("flows", "none", "options", Map.of("policyEnforcementMode", "sometimes",
				"colour", "red")), 400);
		assertThat(missing.get("detail").asString()).contains("\"policies\" must be a string")
			.contains("\"flows\" must be an array").contains("policyEnforcementMode").contains("unknown option \"colour\"");

		this.client.post().uri("/api/v1/evaluate").contentType(MediaType.TEXT_PLAIN).bodyValue("policies")
			.exchange()
			.expectStatus().isEqualTo(415)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void bodyShouldBeReadInOnePassWithTheSameProblemsWhateverTheOrderOfItsFields() {
		String flow = this.json.writeValueAsString(tcpFlow(pod("default", "role=frontend"), pod("default", "role=backend"), 80));
		JsonNode answer = evaluateText("{\"options\": {\"explain\": false}, \"flows\": [" + flow + ", {\"flow\": " + flow
				+ ", \"node_name\": \"n1\"}], \"policies\": " + this.json.writeValueAsString(L3_POLICY) + "}");
		assertThat(answer.get("results")).hasSize(2);
		assertThat(answer.get("results").get(1).get("verdict").asString()).isEqualTo("FORWARDED");
		assertThat(answer.get("results").get(1).has("explanation")).isFalse();

		JsonNode unknown = problem(Map.of("policies", L3_POLICY, "flows", List.of(), "colour", "red"), 400);
		assertThat(unknown.get("type").asString()).isEqualTo("/problems/invalid-request");
		assertThat(unknown.get("detail").asString()).contains("unknown field \"colour\"; allowed: policies, flows, options");

		byte[] trailing = this.client.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"policies\": \"\", \"flows\": []}\n{}").exchange()
			.expectStatus().isBadRequest()
			.expectBody().returnResult().getResponseBody();
		JsonNode malformed = this.json.readTree(trailing);
		assertThat(malformed.get("type").asString()).isEqualTo("/problems/malformed-json");
		assertThat(malformed.get("violations").get(0).get("line").asInt()).isEqualTo(2);

		JsonNode notAnObject = problem(List.of(1, 2), 400);
		assertThat(notAnObject.get("type").asString()).isEqualTo("/problems/invalid-request");

		// a body in another charset than UTF-8 is read with the charset its Content-Type names
		byte[] latin1 = ("{\"policies\": " + this.json.writeValueAsString(L3_POLICY) + ", \"flows\": ["
				+ flow.replace("role=frontend", "role=caf\u00e9") + "]}").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
		this.client.post().uri("/api/v1/evaluate").contentType(MediaType.parseMediaType("application/json;charset=ISO-8859-1"))
			.bodyValue(latin1).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.results[0].verdict").isEqualTo("DROPPED");
	}

	JsonNode evaluateText(String body) {
		byte[] answer = this.client.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body).exchange()
			.expectStatus().isOk()
			.expectBody().returnResult().getResponseBody();
		return this.json.readTree(answer);
	}

	@Test
	void hostileInputShouldBeRefusedQuicklyNeverHangOrFail() {
		String bomb = """
				a: &a ["x","x","x","x","x","x","x","x","x"]
				b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
				c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
				d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
				e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
				f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
				g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
				h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
				""";
		JsonNode bombProblem = problem(Map.of("policies", bomb, "flows", List.of()), 400);
		assertThat(bombProblem.get("violations").get(0).get("message").asString()).isNotBlank();

		String tenMegabytes = "# " + "x".repeat(10 * 1024 * 1024);
		JsonNode paste = problem(Map.of("policies", tenMegabytes, "flows", List.of()), 400);
		assertThat(paste.get("violations").get(0).get("message").asString()).contains("at most 3145728");

		String catastrophic = HTTP_POLICY.replace("/public/.*", "(a+)+$");
		Map<String, Object> flow = new java.util.HashMap<>(tcpFlow(pod("default", "app=web"), pod("default", "app=api"), 8080));
		flow.put("l7", Map.of("type", "REQUEST", "http",
				Map.of("method", "GET", "url", "http://api:8080/" + "a".repeat(50_000) + "!", "protocol", "HTTP/1.1")));
		WebTestClient patient = this.client.mutate().responseTimeout(Duration.ofSeconds(30)).build();
		patient.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("policies", catastrophic, "flows", List.of(flow))).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.results[0].verdict").isEqualTo("DROPPED");

		byte[] huge = ("{\"policies\": \"" + "y".repeat(ApiLimits.MAX_BODY_BYTES + 64 * 1024) + "\", \"flows\": []}").getBytes();
		patient.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON).bodyValue(huge).exchange()
			.expectStatus().isEqualTo(413)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			// the unread rest of the body makes the connection unusable: the client is told not to reuse it
			.expectHeader().valueEquals("Connection", "close");
	}

	@Test
	void evaluateWhenRuleRequiresAuthenticationShouldDropWithAuthRequired() {
		String policy = L3_POLICY.replace("  - fromEndpoints:", "  - authentication:\n      mode: required\n    fromEndpoints:");
		JsonNode response = evaluate(Map.of("policies", policy, "flows",
				List.of(tcpFlow(pod("default", "role=frontend"), pod("default", "role=backend"), 80))));

		JsonNode result = response.get("results").get(0);
		assertThat(result.get("verdict").asString()).isEqualTo("DROPPED");
		assertThat(result.get("ingress").get("drop_reason").asString()).isEqualTo("AUTH_REQUIRED");
		assertThat(result.get("ingress").get("drop_reason_code").asInt()).isEqualTo(189);
		assertThat(result.get("explanation").get("notes").toString()).contains("mutualAuthentication is off");
	}
}
