package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A suggestion is least privilege and works: with it added, the denied traffic is allowed, and a neighbour that
 * differs in one respect (another source, port, or L7 request) is still denied.
 */
class SuggestionsTests {

	/** Default deny everywhere that matters: each pod of default has an ingress and an egress policy allowing little. */
	static final String POLICIES = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: lockdown, namespace: default}
			spec:
			  endpointSelector: {}
			  ingress:
			  - fromEndpoints: [{matchLabels: {app: nobody}}]
			  egress:
			  - toEndpoints: [{matchLabels: {app: nobody}}]
			---
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: lockdown, namespace: other}
			spec:
			  endpointSelector: {}
			  ingress:
			  - fromEndpoints: [{matchLabels: {app: nobody}}]
			""";

	static List<Policy> parse(String yaml) {
		YamlDocuments documents = YamlReader.read(yaml);
		assertThat(documents.errors()).isEmpty();
		ParseResult parsed = PolicyParser.parse(documents.documents());
		assertThat(parsed.errors()).as(yaml).isEmpty();
		return parsed.policies();
	}

	static Traffic traffic(String yaml) {
		Traffic.Reading reading = Traffic.read(YamlReader.read(yaml).documents().get(0), "", Set.of());
		assertThat(reading.violations()).isEmpty();
		return reading.traffic();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"pod to pod HTTP      | {from: {pod: {namespace: default, labels: {app: web}}}, to: {pod: {namespace: default, labels: {app: api}}}, port: 8080, http: {method: GET, path: /items/1}} | {from: {pod: {namespace: default, labels: {app: web}}}, to: {pod: {namespace: default, labels: {app: api}}}, port: 8080, http: {method: GET, path: /items/2}}",
			"across namespaces    | {from: {pod: {namespace: default, labels: {app: web}}}, to: {pod: {namespace: other, labels: {app: db}}}, port: 5432} | {from: {pod: {namespace: other, labels: {app: web}}}, to: {pod: {namespace: other, labels: {app: db}}}, port: 5432}",
			"gRPC                 | {from: {pod: {namespace: default, labels: {app: web}}}, to: {pod: {namespace: default, labels: {app: orders}}}, port: 50051, grpc: {service: pkg.Orders, method: Get}} | {from: {pod: {namespace: default, labels: {app: web}}}, to: {pod: {namespace: default, labels: {app: orders}}}, port: 50051, grpc: {service: pkg.Orders, method: Delete}}",
			"Kafka                | {from: {pod: {namespace: default, labels: {app: web}}}, to: {pod: {namespace: default, labels: {app: kafka}}}, port: 9092, kafka: {apiKey: produce, topic: orders}} | {from: {pod: {namespace: default, labels: {app: web}}}, to: {pod: {namespace: default, labels: {app: kafka}}}, port: 9092, kafka: {apiKey: produce, topic: payments}}",
			"DNS                  | {from: {pod: {namespace: default, labels: {app: web}}}, to: {pod: {namespace: default, labels: {k8s-app: dns}}}, dns: {query: api.example.com}} | {from: {pod: {namespace: default, labels: {app: web}}}, to: {pod: {namespace: default, labels: {k8s-app: dns}}}, dns: {query: evil.example.org}}",
			"to the world by FQDN | {from: {pod: {namespace: default, labels: {app: web}}}, to: {fqdn: api.example.com}, port: 443} | {from: {pod: {namespace: default, labels: {app: web}}}, to: {fqdn: evil.example.org}, port: 443}",
			"to a CIDR            | {from: {pod: {namespace: default, labels: {app: web}}}, to: {ip: 203.0.113.7}, port: 443} | {from: {pod: {namespace: default, labels: {app: web}}}, to: {ip: 203.0.113.8}, port: 443}",
			"from the world       | {from: {entity: world}, to: {pod: {namespace: default, labels: {app: web}}}, port: 443} | {from: {entity: world}, to: {pod: {namespace: default, labels: {app: web}}}, port: 80}",
			"from a namespace     | {from: {namespace: other}, to: {pod: {namespace: default, labels: {app: api}}}, port: 80} | {from: {namespace: third}, to: {pod: {namespace: default, labels: {app: api}}}, port: 80}" })
	void suggestionShouldAllowTheTrafficAndNothingNextToIt(String why, String denied, String neighbour) {
		List<Policy> policies = parse(POLICIES);
		CompiledPolicies before = CompiledPolicies.compile(policies, EngineOptions.DEFAULTS);
		Traffic traffic = traffic(denied);
		Decision decision = before.explain(traffic.toFlow());
		assertThat(decision.allowed()).as(why + " is denied to begin with").isFalse();
		Suggestions.Suggestion suggestion = Suggestions.suggest(traffic, decision);
		assertThat(suggestion.yaml()).as(why).isNotEmpty();
		List<Policy> with = new ArrayList<>(policies);
		with.addAll(parse(suggestion.yaml()));
		CompiledPolicies after = CompiledPolicies.compile(with, EngineOptions.DEFAULTS);
		assertThat(after.decide(traffic.toFlow()).verdict()).as(why + ":\n" + suggestion.yaml())
			.isEqualTo(Decision.Verdict.FORWARDED);
		assertThat(after.decide(traffic(neighbour).toFlow()).verdict()).as(why + ", the neighbour:\n" + suggestion.yaml())
			.isEqualTo(Decision.Verdict.DROPPED);
	}

}
