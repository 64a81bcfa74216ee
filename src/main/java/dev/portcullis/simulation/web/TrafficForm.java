package dev.portcullis.simulation.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The what-if page's form as the browser sends it (query parameters or form fields, the same names either way), so
 * that a simulation is reproduced by its link. Absent fields are "". Each endpoint is one of
 * {@code pod} (namespace and labels), {@code namespace} (any pod in it), {@code entity}, {@code ip} (an address or a
 * CIDR) or {@code fqdn}; the L7 request is one of {@code http}, {@code grpc}, {@code kafka}, {@code dns} or "" (L3/L4
 * only). The state is {@code latest}, {@code at} (a past moment) or {@code draft} (policy text replacing same-named
 * policies of the latest state); {@code compare} adds a second state ("" for none).
 *
 * @param fromKind pod, namespace, entity, ip or fqdn
 * @param fromNamespace the source pod's namespace (pod, namespace)
 * @param fromLabels the source pod's labels, {@code app=web, env=prod} (pod)
 * @param fromEntity an entity name such as {@code world}
 * @param fromIp an IP address or CIDR
 * @param fromFqdn a DNS name (refused as a source, with a message saying why)
 * @param toKind as {@code fromKind}, for the destination
 * @param toNamespace the destination pod's namespace
 * @param toLabels the destination pod's labels
 * @param toEntity an entity name
 * @param toIp an IP address or CIDR
 * @param toFqdn a DNS name
 * @param protocol TCP (default), UDP, SCTP, ICMP
 * @param port the destination port
 * @param l7 "", http, grpc, kafka or dns
 * @param httpMethod the HTTP method
 * @param httpPath the HTTP path
 * @param httpHost the HTTP host
 * @param httpHeaders headers, one {@code Name: value} per line
 * @param grpcService the gRPC service, for example {@code helloworld.Greeter}
 * @param grpcMethod the gRPC method, for example {@code SayHello}
 * @param kafkaApiKey a Kafka API key such as {@code produce}
 * @param kafkaRole a Kafka role, produce or consume (instead of the API key)
 * @param kafkaTopic the topic
 * @param kafkaClientId the client ID
 * @param dnsQuery the DNS query name
 * @param state latest, at or draft
 * @param at the moment when {@code state} is at
 * @param draft the policy text when {@code state} is draft
 * @param compare "", latest, at or draft
 * @param compareAt the moment when {@code compare} is at
 * @param compareDraft the policy text when {@code compare} is draft
 */
record TrafficForm(String fromKind, String fromNamespace, String fromLabels, String fromEntity, String fromIp,
		String fromFqdn, String toKind, String toNamespace, String toLabels, String toEntity, String toIp,
		String toFqdn, String protocol, String port, String l7, String httpMethod, String httpPath, String httpHost,
		String httpHeaders, String grpcService, String grpcMethod, String kafkaApiKey, String kafkaRole,
		String kafkaTopic, String kafkaClientId, String dnsQuery, String state, String at, String draft,
		String compare, String compareAt, String compareDraft) {

	/** The longest link the page offers: the app refuses request lines above 4,096 characters. */
	static final int MAX_LINK_LENGTH = 3_500;

	TrafficForm {
		fromKind = orDefault(fromKind, "pod");
		fromNamespace = strip(fromNamespace);
		fromLabels = strip(fromLabels);
		fromEntity = strip(fromEntity);
		fromIp = strip(fromIp);
		fromFqdn = strip(fromFqdn);
		toKind = orDefault(toKind, "pod");
		toNamespace = strip(toNamespace);
		toLabels = strip(toLabels);
		toEntity = strip(toEntity);
		toIp = strip(toIp);
		toFqdn = strip(toFqdn);
		protocol = orDefault(protocol, "TCP");
		port = strip(port);
		l7 = strip(l7);
		httpMethod = strip(httpMethod);
		httpPath = strip(httpPath);
		httpHost = strip(httpHost);
		httpHeaders = text(httpHeaders).strip();
		grpcService = strip(grpcService);
		grpcMethod = strip(grpcMethod);
		kafkaApiKey = strip(kafkaApiKey);
		kafkaRole = strip(kafkaRole);
		kafkaTopic = strip(kafkaTopic);
		kafkaClientId = strip(kafkaClientId);
		dnsQuery = strip(dnsQuery);
		state = orDefault(state, "latest");
		at = strip(at);
		draft = text(draft);
		compare = strip(compare);
		compareAt = strip(compareAt);
		compareDraft = text(compareDraft);
	}

	/** The empty form: pod to pod over TCP against the latest state. */
	static TrafficForm empty() {
		return new TrafficForm(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
				null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
				null);
	}

	/** The empty form with a draft handed over from the editor. */
	static TrafficForm withDraft(String draft) {
		TrafficForm empty = empty();
		return new TrafficForm(empty.fromKind, "", "", "", "", "", empty.toKind, "", "", "", "", "", empty.protocol, "",
				"", "", "", "", "", "", "", "", "", "", "", "", "draft", "", draft, "latest", "", "");
	}

	/** Whether the user asked for anything: a destination or a port (an empty form shows no verdict). */
	public boolean isSubmitted() {
		return !this.port.isEmpty() || !this.toNamespace.isEmpty() || !this.toLabels.isEmpty()
				|| !this.toEntity.isEmpty() || !this.toIp.isEmpty() || !this.toFqdn.isEmpty();
	}

	/** Whether a second state is compared with the first. */
	public boolean comparing() {
		return !this.compare.isEmpty() && !"none".equals(this.compare);
	}

	/** This form with the first state replaced by a draft, the old first state kept as the comparison. */
	TrafficForm withDraftState(String draftText) {
		String compareState = "draft".equals(this.state) ? "draft" : this.state;
		return new TrafficForm(this.fromKind, this.fromNamespace, this.fromLabels, this.fromEntity, this.fromIp,
				this.fromFqdn, this.toKind, this.toNamespace, this.toLabels, this.toEntity, this.toIp, this.toFqdn,
				this.protocol, this.port, this.l7, this.httpMethod, this.httpPath, this.httpHost, this.httpHeaders,
				this.grpcService, this.grpcMethod, this.kafkaApiKey, this.kafkaRole, this.kafkaTopic,
				this.kafkaClientId, this.dnsQuery, "draft", "", draftText, compareState, this.at, this.draft);
	}

	/**
	 * The parameters that reproduce this simulation, without empty ones and without the fields of choices not
	 * taken (the labels of a source given as an entity, the HTTP fields of a Kafka request).
	 */
	Map<String, String> parameters() {
		Map<String, String> p = new LinkedHashMap<>();
		endpoint(p, "from", this.fromKind, this.fromNamespace, this.fromLabels, this.fromEntity, this.fromIp,
				this.fromFqdn);
		endpoint(p, "to", this.toKind, this.toNamespace, this.toLabels, this.toEntity, this.toIp, this.toFqdn);
		put(p, "protocol", this.protocol);
		put(p, "port", this.port);
		put(p, "l7", this.l7);
		switch (this.l7) {
			case "http" -> {
				put(p, "httpMethod", this.httpMethod);
				put(p, "httpPath", this.httpPath);
				put(p, "httpHost", this.httpHost);
				put(p, "httpHeaders", this.httpHeaders);
			}
			case "grpc" -> {
				put(p, "grpcService", this.grpcService);
				put(p, "grpcMethod", this.grpcMethod);
			}
			case "kafka" -> {
				put(p, "kafkaApiKey", this.kafkaApiKey);
				put(p, "kafkaRole", this.kafkaRole);
				put(p, "kafkaTopic", this.kafkaTopic);
				put(p, "kafkaClientId", this.kafkaClientId);
			}
			case "dns" -> put(p, "dnsQuery", this.dnsQuery);
			default -> {
			}
		}
		put(p, "state", this.state);
		if ("at".equals(this.state)) {
			put(p, "at", this.at);
		}
		if ("draft".equals(this.state)) {
			put(p, "draft", this.draft);
		}
		if (comparing()) {
			put(p, "compare", this.compare);
			if ("at".equals(this.compare)) {
				put(p, "compareAt", this.compareAt);
			}
			if ("draft".equals(this.compare)) {
				put(p, "compareDraft", this.compareDraft);
			}
		}
		return p;
	}

	private static void endpoint(Map<String, String> p, String side, String kind, String namespace, String labels,
			String entity, String ip, String fqdn) {
		put(p, side + "Kind", kind);
		switch (kind) {
			case "pod" -> {
				put(p, side + "Namespace", namespace);
				put(p, side + "Labels", labels);
			}
			case "namespace" -> put(p, side + "Namespace", namespace);
			case "entity" -> put(p, side + "Entity", entity);
			case "ip" -> put(p, side + "Ip", ip);
			case "fqdn" -> put(p, side + "Fqdn", fqdn);
			default -> {
			}
		}
	}

	private static void put(Map<String, String> p, String name, String value) {
		if (!value.isEmpty()) {
			p.put(name, value);
		}
	}

	private static String strip(@Nullable String value) {
		return (value != null) ? value.strip() : "";
	}

	private static String text(@Nullable String value) {
		return (value != null) ? value.replace("\r\n", "\n") : "";
	}

	private static String orDefault(@Nullable String value, String otherwise) {
		String stripped = strip(value);
		return stripped.isEmpty() ? otherwise : stripped;
	}

}
