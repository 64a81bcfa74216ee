package dev.portcullis.hubble;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.flow.Flow.NamedPort;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The {@code source} and {@code destination} endpoints of one {@link FlowReader} read ({@code namespace},
 * {@code labels}, {@code named_ports}, {@code pod_name}, {@code cluster_name}), with equal endpoints of the read
 * as one instance (so that a log's flows hit the evaluator's identity cache). An endpoint without
 * {@code namespace} whose labels carry {@code k8s:io.kubernetes.pod.namespace=<ns>} is a pod of that namespace.
 * Not thread-safe: one per reader.
 */
final class Endpoints {

	private static final String NAMESPACE_LABEL = "k8s:io.kubernetes.pod.namespace=";

	private final Tokens tokens;

	private final Map<EndpointKey, Endpoint> endpoints = new HashMap<>();

	/** The namespace a {@code k8s:io.kubernetes.pod.namespace=} label names, per (shared) label instance. */
	private final Map<String, String> namespaces = new IdentityHashMap<>();

	Endpoints(Tokens tokens) {
		this.tokens = tokens;
	}

	/** The endpoint with these fields, one instance per read for equal fields (see {@link EndpointKey}). */
	Endpoint intern(@Nullable String namespace, List<String> labels, @Nullable String podName,
			@Nullable String clusterName, List<NamedPort> namedPorts) {
		EndpointKey key = new EndpointKey(namespace, labels, podName, clusterName, namedPorts);
		Endpoint known = this.endpoints.get(key);
		if (known == null) {
			known = new Endpoint(namespace, labels, podName, clusterName, namedPorts);
			this.endpoints.put(key, known);
		}
		return known;
	}

	/**
	 * An endpoint's fields as a key made of the identities of its strings, which {@link Strings} shares: hashing
	 * and comparing it costs a few identity hashes, a repeated endpoint costs no new record, and input made to
	 * collide in {@link String#hashCode()} cannot make the table slow. Endpoints whose strings were not shared
	 * (beyond the table's limits) are merely not merged.
	 */
	private static final class EndpointKey {

		private final @Nullable String namespace;

		private final List<String> labels;

		private final @Nullable String podName;

		private final @Nullable String clusterName;

		private final List<NamedPort> namedPorts;

		private final int hash;

		EndpointKey(@Nullable String namespace, List<String> labels, @Nullable String podName,
				@Nullable String clusterName, List<NamedPort> namedPorts) {
			this.namespace = namespace;
			this.labels = labels;
			this.podName = podName;
			this.clusterName = clusterName;
			this.namedPorts = namedPorts;
			int h = System.identityHashCode(namespace);
			h = 31 * h + System.identityHashCode(podName);
			h = 31 * h + System.identityHashCode(clusterName);
			h = 31 * h + namedPorts.size();
			for (int i = 0; i < labels.size(); i++) {
				h = 31 * h + System.identityHashCode(labels.get(i));
			}
			this.hash = h;
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

		@Override
		public boolean equals(Object other) {
			if (!(other instanceof EndpointKey key) || key.hash != this.hash) {
				return false;
			}
			if (this.namespace != key.namespace || this.podName != key.podName || this.clusterName != key.clusterName
					|| this.labels.size() != key.labels.size() || !this.namedPorts.equals(key.namedPorts)) {
				return false;
			}
			for (int i = 0; i < this.labels.size(); i++) {
				if (this.labels.get(i) != key.labels.get(i)) {
					return false;
				}
			}
			return true;
		}

	}

	/** The {@code identity} of the endpoint {@link #endpoint} read last, -1 when absent or not recording. */
	long identity = -1;

	@Nullable Endpoint endpoint(JsonParser p, String key, int rank, List<Ranked> errors) {
		Tokens t = this.tokens;
		this.identity = -1;
		if (!t.object(p, key, rank, errors)) {
			return null;
		}
		String namespace = null;
		List<String> labels = List.of();
		String podName = null;
		String clusterName = null;
		List<NamedPort> namedPorts = List.of();
		String name;
		while ((name = p.nextName()) != null) {
			p.nextToken();
			switch (name) {
				case "namespace" -> namespace = t.string(p, key + ".namespace", rank + 1, errors);
				case "labels" -> labels = t.strings(p, key + ".labels", rank + 2, errors);
				case "named_ports" -> namedPorts = namedPorts(p, key, rank + 3, errors);
				case "pod_name" -> podName = t.string(p, key + ".pod_name", rank + 4, errors);
				case "cluster_name" -> clusterName = t.string(p, key + ".cluster_name", rank + 5, errors);
				case "identity" -> {
					if (t.recording) {
						this.identity = t.integer(p, key + ".identity", rank + 6, 0, Integer.MAX_VALUE, -1, errors);
					}
					else {
						p.skipChildren();
					}
				}
				default -> p.skipChildren();
			}
		}
		if (namespace == null || namespace.isEmpty()) {
			namespace = null;
			for (String label : labels) {
				if (label.startsWith(NAMESPACE_LABEL)) {
					namespace = this.namespaces.computeIfAbsent(label, (l) -> l.substring(NAMESPACE_LABEL.length()));
				}
			}
		}
		return intern(namespace, labels, Tokens.emptyToNull(podName), Tokens.emptyToNull(clusterName), namedPorts);
	}

	private List<NamedPort> namedPorts(JsonParser p, String key, int rank, List<Ranked> errors) {
		Tokens t = this.tokens;
		if (!t.list(p, key + ".named_ports", rank, errors)) {
			return List.of();
		}
		List<NamedPort> ports = new ArrayList<>();
		int i = 0;
		while (p.nextToken() != JsonToken.END_ARRAY) {
			String at = key + ".named_ports[" + i++ + "]";
			if (p.currentToken() != JsonToken.START_OBJECT) {
				errors.add(t.ranked(rank, at, p,
						"must be an object {name, port, protocol}, got " + Tokens.describe(p)));
				p.skipChildren();
				continue;
			}
			Position itemAt = t.position(p);
			String portName = null;
			int number = -1;
			String proto = null;
			Position protoAt = null;
			String name;
			while ((name = p.nextName()) != null) {
				p.nextToken();
				switch (name) {
					case "name" -> portName = t.string(p, at + ".name", rank, errors);
					case "port" -> number = t.integer(p, at + ".port", rank, 1, 65535, -1, errors);
					case "protocol" -> {
						protoAt = t.position(p);
						proto = t.string(p, at + ".protocol", rank, errors);
					}
					default -> p.skipChildren();
				}
			}
			Protocol protocol = Protocol.TCP;
			if (proto != null && !proto.isEmpty()) {
				String upper = proto.toUpperCase(Locale.ROOT);
				switch (upper) {
					case "TCP", "UDP", "SCTP" -> protocol = Protocol.valueOf(upper);
					default -> errors.add(new Ranked(rank, Violation.error(t.index, t.path(at + ".protocol"),
							protoAt, "must be TCP, UDP or SCTP, got \"" + proto + "\"")));
				}
			}
			if (portName == null || portName.isEmpty()) {
				errors.add(new Ranked(rank, Violation.error(t.index, t.path(at + ".name"), itemAt,
						"is required")));
			}
			else if (number > 0) {
				ports.add(new NamedPort(portName, number, protocol));
			}
		}
		return ports;
	}

}
