package dev.portcullis.simulation;

import java.util.List;
import java.util.Set;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading traffic descriptions: what is impossible is refused naming the field; what is possible becomes a flow. */
class TrafficTests {

	static Traffic.Reading read(String yaml) {
		return Traffic.read(YamlReader.read(yaml).documents().get(0), "", Set.of());
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"fqdn source      | {from: {fqdn: a.example.com}, to: {entity: world}, port: 80}                         | from.fqdn",
			"port too large   | {from: {entity: world}, to: {pod: {namespace: d}}, port: 65536}                     | port",
			"negative port    | {from: {entity: world}, to: {pod: {namespace: d}}, port: -1}                        | port",
			"port not number  | {from: {entity: world}, to: {pod: {namespace: d}}, port: http}                      | port",
			"port missing     | {from: {entity: world}, to: {pod: {namespace: d}}}                                  | port",
			"http on udp      | {from: {entity: world}, to: {pod: {namespace: d}}, port: 80, protocol: UDP, http: {}} | http",
			"kafka on udp     | {from: {entity: world}, to: {pod: {namespace: d}}, port: 9092, protocol: udp, kafka: {apiKey: produce}} | kafka",
			"dns on sctp      | {from: {entity: world}, to: {pod: {namespace: d}}, protocol: SCTP, dns: {query: a.b}} | dns",
			"unknown entity   | {from: {entity: moon}, to: {pod: {namespace: d}}, port: 80}                         | from.entity",
			"selector entity  | {from: {entity: cluster}, to: {pod: {namespace: d}}, port: 80}                      | from.entity",
			"bad ip           | {from: {ip: 10.0.0.300}, to: {pod: {namespace: d}}, port: 80}                       | from.ip",
			"two kinds        | {from: {ip: 10.0.0.1, entity: world}, to: {pod: {namespace: d}}, port: 80}          | from",
			"pod without ns   | {from: {pod: {labels: {a: b}}}, to: {entity: world}, port: 80}                      | from.pod.namespace",
			"two l7           | {from: {entity: world}, to: {pod: {namespace: d}}, port: 80, http: {}, dns: {query: a.b}} | dns",
			"unknown field    | {from: {entity: world}, to: {pod: {namespace: d}}, port: 80, verb: GET}             | verb",
			"relative path    | {from: {entity: world}, to: {pod: {namespace: d}}, port: 80, http: {path: x}}       | http.path",
			"unknown protocol | {from: {entity: world}, to: {pod: {namespace: d}}, port: 80, protocol: ICMP}        | protocol",
			"kafka key & role | {from: {entity: world}, to: {pod: {namespace: d}}, port: 80, kafka: {apiKey: produce, role: produce}} | kafka",
			"grpc no method   | {from: {entity: world}, to: {pod: {namespace: d}}, port: 80, grpc: {service: a.B}}  | grpc.method" })
	void impossibleTrafficShouldBeRefusedNamingTheField(String why, String yaml, String field) {
		Traffic.Reading reading = read(yaml);
		assertThat(reading.isValid()).as(why).isFalse();
		assertThat(reading.violations()).extracting(FieldViolation::path).as(why).contains(field);
		assertThat(reading.violations()).allSatisfy((v) -> assertThat(v.message()).startsWith(v.path() + ": "));
	}

	@Test
	void violationsShouldCarryTheLineAndColumnOfTheirText() {
		Traffic.Reading reading = Traffic.read(YamlReader.read("""
				from: {pod: {namespace: default, labels: {app: web}}}
				to: {pod: {namespace: default}}
				port: 99999
				""").documents().get(0), "expectations[3]", Set.of());
		assertThat(reading.violations()).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("expectations[3].port");
			assertThat(v.line()).isEqualTo(3);
			assertThat(v.column()).isEqualTo(7);
		});
	}

	@Test
	void podToPodHttpShouldBecomeAFlowWithK8sLabelsAndTheRequest() {
		Traffic traffic = read("{from: {pod: {namespace: a, labels: {app: web}}}, to: {pod: {namespace: b, labels: "
				+ "{app: api}}}, port: 8080, http: {method: get, path: /x, host: api, headers: {x-team: t}}}").traffic();
		Flow flow = traffic.toFlow();
		assertThat(flow.source().namespace()).isEqualTo("a");
		assertThat(flow.source().labels()).containsExactly("k8s:app=web");
		assertThat(flow.protocol()).isEqualTo(Protocol.TCP);
		assertThat(flow.destinationPort()).isEqualTo(8080);
		assertThat(flow.l7()).isEqualTo(new Flow.Http("GET", "http://api/x", List.of(new Flow.Header("x-team", "t")), null));
	}

	@Test
	void grpcShouldBeAnHttp2PostOfServiceAndMethod() {
		Flow flow = read("{from: {pod: {namespace: a}}, to: {pod: {namespace: a}}, port: 50051, "
				+ "grpc: {service: pkg.Orders, method: Get}}").traffic().toFlow();
		assertThat(flow.l7()).isEqualTo(new Flow.Http("POST", "/pkg.Orders/Get",
				List.of(new Flow.Header("content-type", "application/grpc")), "HTTP/2"));
	}

	@Test
	void dnsShouldDefaultToUdp53AndAKafkaRoleToItsFirstKey() {
		Traffic dns = read("{from: {pod: {namespace: a}}, to: {pod: {namespace: kube-system}}, dns: {query: Api.Example.com}}")
			.traffic();
		assertThat(dns.protocol()).isEqualTo(Protocol.UDP);
		assertThat(dns.port()).isEqualTo(53);
		assertThat(dns.toFlow().l7()).isEqualTo(new Flow.Dns("api.example.com.", List.of("A")));
		Traffic kafka = read("{from: {namespace: a}, to: {pod: {namespace: a}}, port: 9092, kafka: {role: consume, topic: t}}")
			.traffic();
		assertThat(kafka.toFlow().l7()).isEqualTo(new Flow.Kafka("fetch", 0, null, List.of("t")));
	}

	@Test
	void worldEndpointsShouldCarryTheirAddressOrName() {
		Flow cidr = read("{from: {ip: 203.0.113.0/24}, to: {fqdn: API.example.com.}, port: 443}").traffic().toFlow();
		assertThat(cidr.sourceIp()).isEqualTo("203.0.113.0");
		assertThat(cidr.source().labels()).containsExactly("reserved:world");
		assertThat(cidr.destinationNames()).containsExactly("api.example.com");
		Flow apiserver = read("{from: {entity: kube-apiserver}, to: {namespace: a}, port: 443}").traffic().toFlow();
		assertThat(apiserver.source().labels()).containsExactly("reserved:kube-apiserver", "reserved:remote-node");
		assertThat(apiserver.destination().labels()).isEmpty();
	}

	@Test
	void theJsonFormShouldReadBackToTheSameTraffic() {
		Traffic traffic = read("{from: {pod: {namespace: a, labels: {app: web}}}, to: {ip: 10.0.0.1}, port: 9092, "
				+ "kafka: {apiKey: produce, topic: t, clientID: c}}").traffic();
		String json = tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(traffic.toJson());
		assertThat(Traffic.read(YamlReader.read(json).documents().get(0), "", Set.of()).traffic()).isEqualTo(traffic);
	}

}
