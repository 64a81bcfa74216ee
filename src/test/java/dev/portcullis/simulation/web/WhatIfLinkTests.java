package dev.portcullis.simulation.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.hubble.FlowReader;
import dev.portcullis.simulation.Traffic;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Hubble flows (src/test/resources/flows, from the shared corpus) turned into what-if links: what a person
 * would type, read back by the what-if page as traffic it decides.
 */
class WhatIfLinkTests {

	private static Flow first(String file, Predicate<Flow> which) throws IOException {
		try (InputStream in = WhatIfLinkTests.class.getResourceAsStream("/flows/" + file)) {
			FlowParseResult read = new FlowReader().readLines(in);
			return read.flows().stream().map(FlowParseResult.ParsedFlow::flow).filter(which).findFirst().orElseThrow();
		}
	}

	/** The query parameters of a link, decoded, in order. */
	private static Map<String, String> query(String link) {
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : URI.create(link).getRawQuery().split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return parameters;
	}

	/** The traffic the what-if page reads from a link's parameters (null when it would refuse a field). */
	private static Traffic traffic(Map<String, String> p) {
		TrafficForm form = new TrafficForm(p.get("fromKind"), p.get("fromNamespace"), p.get("fromLabels"),
				p.get("fromEntity"), p.get("fromIp"), p.get("fromFqdn"), p.get("toKind"), p.get("toNamespace"),
				p.get("toLabels"), p.get("toEntity"), p.get("toIp"), p.get("toFqdn"), p.get("protocol"), p.get("port"),
				p.get("l7"), p.get("httpMethod"), p.get("httpPath"), p.get("httpHost"), p.get("httpHeaders"),
				p.get("grpcService"), p.get("grpcMethod"), p.get("kafkaApiKey"), p.get("kafkaRole"), p.get("kafkaTopic"),
				p.get("kafkaClientId"), p.get("dnsQuery"), p.get("state"), p.get("at"), p.get("draft"), p.get("compare"),
				p.get("compareAt"), p.get("compareDraft"));
		assertThat(form.isSubmitted()).as("the page decides a GET of this link at once").isTrue();
		TrafficFields.Reading reading = TrafficFields.read(form);
		assertThat(reading.errors()).isEmpty();
		return reading.traffic();
	}

	@Test
	void httpFlowBetweenPodsShouldBecomeNamespacesLabelsPortAndRequest() throws IOException {
		Flow flow = first("basic-sample-348-http-flows.json",
				(f) -> f.destination().labels().contains("k8s:k8s-app=kube-dns") && f.l7() instanceof Flow.Http);

		String link = WhatIfLink.of("team-a", flow);

		assertThat(link).startsWith("/workspaces/team-a/what-if?");
		Map<String, String> p = query(link);
		assertThat(p).containsExactly(Map.entry("fromKind", "pod"), Map.entry("fromNamespace", "istio-system"),
				Map.entry("fromLabels", "app=prometheus, release=istio, io.cilium.k8s.policy.serviceaccount=prometheus"),
				Map.entry("toKind", "pod"), Map.entry("toNamespace", "kube-system"),
				Map.entry("toLabels", "k8s-app=kube-dns, io.cilium.k8s.policy.serviceaccount=kube-dns"),
				Map.entry("protocol", "TCP"), Map.entry("port", "10054"), Map.entry("l7", "http"),
				Map.entry("httpMethod", "GET"), Map.entry("httpPath", "/metrics"),
				Map.entry("httpHost", "10.156.2.3:10054"), Map.entry("state", "latest"));
		Traffic traffic = traffic(p);
		assertThat(traffic.from()).isEqualTo(new Traffic.Pod("istio-system", Map.of("app", "prometheus",
				"io.cilium.k8s.policy.serviceaccount", "prometheus", "release", "istio")));
		assertThat(traffic.port()).isEqualTo(10054);
		assertThat(traffic.l7()).isEqualTo(new Traffic.Http("GET", "/metrics", "10.156.2.3:10054", Map.of()));
	}

	@Test
	void dnsFlowShouldCarryItsQuery() throws IOException {
		Flow flow = first("basic-sample-5-dns-flows.json", (f) -> f.l7() instanceof Flow.Dns);

		Map<String, String> p = query(WhatIfLink.of("ws", flow));

		assertThat(p).containsEntry("fromNamespace", "kube-system")
			.containsEntry("fromLabels", "k8s-app=node-local-dns, io.cilium.k8s.policy.serviceaccount=node-local-dns")
			.containsEntry("toLabels", "k8s-app=kube-dns, io.cilium.k8s.policy.serviceaccount=kube-dns")
			.containsEntry("protocol", "TCP").containsEntry("port", "53").containsEntry("l7", "dns")
			.containsEntry("dnsQuery", "istiod-istio-1611.istio-system.svc.istio-system.svc.cluster.local.")
			.doesNotContainKeys("httpMethod", "httpPath");
		assertThat(traffic(p).l7()).isInstanceOf(Traffic.Dns.class);
	}

	@Test
	void worldWithAnAddressShouldBecomeTheAddressAndReservedIdentitiesTheirEntities() throws IOException {
		Flow toWorld = first("basic-sample-5-http-flows.json",
				(f) -> f.destination().labels().equals(List.of("reserved:world")));
		Map<String, String> p = query(WhatIfLink.of("ws", toWorld));
		assertThat(p).containsEntry("toKind", "ip").containsEntry("toIp", "10.128.0.4").containsEntry("port", "9990")
			.containsEntry("httpHost", "10.128.0.4:9990").doesNotContainKeys("toNamespace", "toLabels", "toEntity");
		assertThat(traffic(p).to()).isEqualTo(new Traffic.Ip("10.128.0.4"));

		// a world source that Hubble placed in a namespace is still world: its address, not a pod
		Flow fromWorld = first("basic-sample-348-http-flows.json",
				(f) -> f.source().labels().equals(List.of("reserved:world")) && f.source().namespace() != null);
		assertThat(query(WhatIfLink.of("ws", fromWorld))).containsEntry("fromKind", "ip")
			.containsEntry("fromIp", fromWorld.sourceIp()).doesNotContainKey("fromNamespace");

		Flow fromHost = first("basic-sample-10-flows.json", (f) -> f.source().labels().contains("reserved:host"));
		Map<String, String> host = query(WhatIfLink.of("ws", fromHost));
		assertThat(host).containsEntry("fromKind", "entity").containsEntry("fromEntity", "host")
			.doesNotContainKey("fromIp");
		assertThat(traffic(host).from()).isEqualTo(new Traffic.Entity("host"));
	}

	@Test
	void worldDestinationWithLearnedNamesShouldBecomeTheirFirstNameAndKafkaItsRequest() {
		Flow.Endpoint pod = new Flow.Endpoint("empire", List.of("k8s:app=empire-hq",
				"k8s:io.kubernetes.pod.namespace=empire", "container:id=1"), "hq-1", null, List.of());
		Flow flow = new Flow(pod, new Flow.Endpoint(null, List.of("reserved:world"), null, null, List.of()),
				"10.0.0.1", "203.0.113.7", Protocol.TCP, 9092, -1,
				new Flow.Kafka("produce", 3, "hq", List.of("empire-announce", "deathstar-plans")),
				List.of("kafka.example.com", "k.example.com"), null, false);

		Map<String, String> p = query(WhatIfLink.of("ws", flow));

		assertThat(p).containsEntry("fromLabels", "app=empire-hq").containsEntry("toKind", "fqdn")
			.containsEntry("toFqdn", "kafka.example.com").containsEntry("l7", "kafka")
			.containsEntry("kafkaApiKey", "produce").containsEntry("kafkaTopic", "empire-announce")
			.containsEntry("kafkaClientId", "hq").doesNotContainKey("toIp");
		assertThat(traffic(p).to()).isEqualTo(new Traffic.Fqdn("kafka.example.com"));
	}

	@Test
	void linkShouldStayShorterThanTheLongestLinkThePageOffers() {
		Flow.Endpoint pod = new Flow.Endpoint("shop", List.of("k8s:app=web"), null, null, List.of());
		String path = "/search?q=" + "x".repeat(5_000);
		Flow flow = new Flow(pod, pod, null, null, Protocol.TCP, 80, -1,
				new Flow.Http("GET", "http://web" + path, List.of(), null), List.of(), null, false);

		String link = WhatIfLink.of("ws", flow);

		assertThat(link.length()).isLessThanOrEqualTo(TrafficForm.MAX_LINK_LENGTH);
		assertThat(query(link)).containsEntry("httpPath", "/search").containsEntry("port", "80");
	}

}
