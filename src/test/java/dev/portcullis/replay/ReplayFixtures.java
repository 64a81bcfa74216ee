package dev.portcullis.replay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What the replay tests (API and pages) share: the corpus exports they upload and a draft that denies one workload. */
public final class ReplayFixtures {

	/** The real Hubble exports under {@code src/test/resources/flows/}. */
	public static final List<String> FILES = List.of("basic-sample-10-flows.json", "basic-sample-330-dns-flows.json",
			"basic-sample-348-http-flows.json", "basic-sample-400-icmpv4-flows.json",
			"basic-sample-400-l7-redirected-flows.json", "basic-sample-400-tcp-flows.json",
			"basic-sample-400-udp-flows.json", "basic-sample-5-dns-flows.json", "basic-sample-5-http-flows.json");

	/** A draft that denies every ingress of bookinfo's details pods. */
	public static final String DENY_DETAILS = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: lock-details
			  namespace: bookinfo
			spec:
			  endpointSelector:
			    matchLabels:
			      app: details
			  ingressDeny:
			  - fromEntities:
			    - all
			""";

	/** Every line of {@link #FILES}, one NDJSON text, as the flow upload takes it. */
	public static String corpus() throws IOException {
		StringBuilder all = new StringBuilder();
		for (String file : FILES) {
			try (InputStream in = ReplayFixtures.class.getResourceAsStream("/flows/" + file)) {
				String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				all.append(text).append(text.endsWith("\n") ? "" : "\n");
			}
		}
		return all.toString();
	}

	private ReplayFixtures() {
	}

}
