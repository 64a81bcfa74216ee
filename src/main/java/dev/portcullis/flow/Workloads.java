package dev.portcullis.flow;

import java.util.List;

import dev.portcullis.engine.flow.Flow.Endpoint;
import org.jspecify.annotations.Nullable;

/**
 * The workload an endpoint belongs to, the node of the edge rollups and the service map: {@code namespace/name},
 * the name being the pod's without the suffixes its controller added ({@code reviews-v1-545db77b95-s6jb8} is
 * {@code reviews-v1}: a Deployment's ReplicaSet hash and pod suffix; {@code cilium-x7k2p} is {@code cilium}; a
 * StatefulSet's {@code db-0} is {@code db}); an endpoint without a pod is its first {@code reserved:} label
 * ({@code reserved:world}, {@code reserved:host}); a pod Hubble gave without its name (only its identity's labels,
 * as for the far side of a flow seen on another node) is {@code namespace/} and the value of its first
 * {@link #NAMING} label with its {@code version} ({@code k8s:app=reviews}, {@code k8s:version=v1}:
 * {@code bookinfo/reviews-v1}, the name its pod's flows get and the name the policy drafts give it), or
 * {@code namespace/(unknown workload)} without such a label; else {@code unknown}.
 */
final class Workloads {

	/** The labels that name a workload, in this order (as {@code replay.recommend.Recommender#PREFERRED}). */
	static final List<String> NAMING = List.of("app.kubernetes.io/name", "app", "k8s-app", "name",
			"app.kubernetes.io/instance", "app.kubernetes.io/component", "component");

	private Workloads() {
	}

	static String of(@Nullable Endpoint endpoint) {
		if (endpoint == null) {
			return "unknown";
		}
		String pod = endpoint.podName();
		String namespace = endpoint.namespace();
		if (pod != null && !pod.isEmpty()) {
			return ((namespace != null) ? namespace : "") + "/" + workload(pod);
		}
		List<String> labels = endpoint.labels();
		for (String label : labels) {
			if (label.startsWith("reserved:")) {
				return label;
			}
		}
		return (namespace != null) ? namespace + "/" + fromLabels(labels) : "unknown";
	}

	private static String fromLabels(List<String> labels) {
		String version = value(labels, "version");
		for (String key : NAMING) {
			String name = value(labels, key);
			if (name != null && !name.isEmpty()) {
				return name + ((version != null && !version.isEmpty() && !name.endsWith(version)) ? "-" + version : "");
			}
		}
		return "(unknown workload)";
	}

	private static @Nullable String value(List<String> labels, String key) {
		String prefix = "k8s:" + key + "=";
		for (String label : labels) {
			if (label.startsWith(prefix)) {
				return label.substring(prefix.length());
			}
		}
		return null;
	}

	static String workload(String pod) {
		String name = pod;
		int dash = name.lastIndexOf('-');
		if (dash <= 0) {
			return name;
		}
		String last = name.substring(dash + 1);
		if (isDigits(last)) {
			return name.substring(0, dash);
		}
		if (last.length() == 5 && isSuffix(last)) {
			name = name.substring(0, dash);
			int hash = name.lastIndexOf('-');
			if (hash > 0) {
				String candidate = name.substring(hash + 1);
				if (candidate.length() >= 6 && candidate.length() <= 10 && isSuffix(candidate)) {
					return name.substring(0, hash);
				}
			}
			return name;
		}
		return name;
	}

	private static boolean isDigits(String text) {
		if (text.isEmpty()) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			if (!Character.isDigit(text.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	// Kubernetes' random suffixes use "bcdfghjklmnpqrstvwxz2456789"
	private static boolean isSuffix(String text) {
		for (int i = 0; i < text.length(); i++) {
			if ("bcdfghjklmnpqrstvwxz2456789".indexOf(text.charAt(i)) < 0) {
				return false;
			}
		}
		return true;
	}

}
