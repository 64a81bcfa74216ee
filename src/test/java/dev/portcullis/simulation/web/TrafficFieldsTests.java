package dev.portcullis.simulation.web;

import dev.portcullis.simulation.Traffic;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The what-if form read as traffic: each problem of the one traffic reader lands on the form field it is about, and
 * a form's parameters reproduce it; where a rule's path is in a policy's text.
 */
class TrafficFieldsTests {

	private static TrafficForm form(String... pairs) {
		java.util.Map<String, String> values = new java.util.HashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			values.put(pairs[i], pairs[i + 1]);
		}
		return new TrafficForm(values.get("fromKind"), values.get("fromNamespace"), values.get("fromLabels"),
				values.get("fromEntity"), values.get("fromIp"), values.get("fromFqdn"), values.get("toKind"),
				values.get("toNamespace"), values.get("toLabels"), values.get("toEntity"), values.get("toIp"),
				values.get("toFqdn"), values.get("protocol"), values.get("port"), values.get("l7"),
				values.get("httpMethod"), values.get("httpPath"), values.get("httpHost"), values.get("httpHeaders"),
				values.get("grpcService"), values.get("grpcMethod"), values.get("kafkaApiKey"), values.get("kafkaRole"),
				values.get("kafkaTopic"), values.get("kafkaClientId"), values.get("dnsQuery"), values.get("state"),
				values.get("at"), values.get("draft"), values.get("compare"), values.get("compareAt"),
				values.get("compareDraft"));
	}

	@Test
	void readWhenTheFormDescribesAnHttpRequestShouldGiveTheTraffic() {
		TrafficFields.Reading reading = TrafficFields.read(form("fromNamespace", "default", "fromLabels",
				"env=prod", "toNamespace", "default", "toLabels", "app=service, tier=web", "port", "80", "l7", "http",
				"httpMethod", "get", "httpPath", "/public", "httpHeaders", "X-Team: a\nX-Env: b"));
		assertThat(reading.errors()).isEmpty();
		Traffic traffic = reading.traffic();
		assertThat(traffic.to()).isEqualTo(new Traffic.Pod("default", java.util.Map.of("app", "service", "tier", "web")));
		assertThat(traffic.l7()).isEqualTo(new Traffic.Http("GET", "/public", null,
				java.util.Map.of("X-Team", "a", "X-Env", "b")));
	}

	@Test
	void readWhenTheTrafficIsImpossibleShouldPutEachMessageOnItsFieldAndGiveNoTraffic() {
		TrafficFields.Reading reading = TrafficFields.read(form("fromKind", "fqdn", "fromFqdn", "a.example.com",
				"toKind", "entity", "toEntity", "galaxy", "protocol", "UDP", "port", "70000", "l7", "http"));
		assertThat(reading.traffic()).isNull();
		assertThat(reading.errors()).containsOnlyKeys("fromFqdn", "toEntity", "port", "protocol");
		assertThat(reading.errors().get("fromFqdn")).startsWith("An FQDN can only be a destination");
		assertThat(reading.errors().get("protocol")).contains("HTTP runs over TCP, not UDP");
	}

	@Test
	void readWhenALabelHasNoValueShouldSaySoOnTheLabelsField() {
		TrafficFields.Reading reading = TrafficFields.read(form("fromNamespace", "default", "fromLabels", "app",
				"toKind", "entity", "toEntity", "world", "port", "443"));
		assertThat(reading.errors()).containsOnlyKeys("fromLabels");
	}

	@ParameterizedTest
	@CsvSource({ "from.fqdn, fromFqdn", "from.pod.namespace, fromNamespace", "from.pod.labels.app, fromLabels",
			"to.ip, toIp", "to, toKind", "port, port", "http.path, httpPath", "http, protocol",
			"kafka.apiKey, kafkaApiKey", "kafka, kafkaApiKey", "dns.query, dnsQuery", "other, l7" })
	void fieldShouldNameTheFormFieldOfAReaderPath(String path, String field) {
		assertThat(TrafficFields.field(path)).isEqualTo(field);
	}

	@Test
	void parametersShouldKeepOnlyTheFieldsOfTheChoicesTaken() {
		TrafficForm form = form("fromKind", "entity", "fromEntity", "world", "fromLabels", "app=ignored", "toKind",
				"pod", "toNamespace", "default", "toLabels", "app=web", "port", "80", "l7", "dns", "httpPath", "/x",
				"dnsQuery", "a.example.com");
		assertThat(form.parameters()).containsExactly(java.util.Map.entry("fromKind", "entity"),
				java.util.Map.entry("fromEntity", "world"), java.util.Map.entry("toKind", "pod"),
				java.util.Map.entry("toNamespace", "default"), java.util.Map.entry("toLabels", "app=web"),
				java.util.Map.entry("protocol", "TCP"), java.util.Map.entry("port", "80"),
				java.util.Map.entry("l7", "dns"), java.util.Map.entry("dnsQuery", "a.example.com"),
				java.util.Map.entry("state", "latest"));
	}

	@ParameterizedTest
	@CsvSource({ "spec, 5", "spec.ingress[0], 9", "spec.ingress[1], 11", "spec.ingress[1].toPorts[0], 14",
			"spec.egress[0], 0", "specs[0], 0" })
	void lineShouldFindWhereARulePathStarts(String path, int line) {
		String text = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: web
				spec:
				  endpointSelector:
				    matchLabels: {app: web}
				  ingress:
				  - fromEndpoints:
				    - matchLabels: {env: prod}
				  - fromEntities:
				    - world
				    toPorts:
				    - ports: [{port: "80"}]
				""";
		assertThat(RuleLines.line(YamlReader.read(text).documents().get(0), path)).isEqualTo(line);
	}

}
