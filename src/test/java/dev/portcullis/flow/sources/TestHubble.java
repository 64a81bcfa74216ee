package dev.portcullis.flow.sources;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;

/**
 * A Hubble Relay or a node's Hubble server for tests of other packages: a {@link TestRelay} (a real grpc-java server
 * on a random port) that streams no flows, answers {@code GetNodes} with {@link #nodes(String)} (or UNIMPLEMENTED, as
 * a node does) and {@code GetAgentEvents} with {@link #agentEvents(List)} (or UNIMPLEMENTED, as a Relay does).
 */
public final class TestHubble implements AutoCloseable {

	private final TestRelay server;

	private TestHubble(ServerCredentials credentials) throws IOException {
		this.server = new TestRelay(List.of(), (call) -> new TestRelay.Step(0, TestRelay.End.FOLLOW), credentials);
		this.server.nodes = null;
	}

	/** A plain-text server. */
	public static TestHubble start() throws IOException {
		return new TestHubble(InsecureServerCredentials.create());
	}

	/** A server with these credentials (TLS). */
	public static TestHubble start(ServerCredentials credentials) throws IOException {
		return new TestHubble(credentials);
	}

	public int port() {
		return this.server.port();
	}

	public String address() {
		return "127.0.0.1:" + port();
	}

	/** What GetNodes answers from now on: a {@code GetNodesResponse} as JSON, or null for UNIMPLEMENTED. */
	public TestHubble nodes(String json) {
		this.server.nodes = json;
		return this;
	}

	/** What GetAgentEvents streams from now on ({@code GetAgentEventsResponse} lines), or null for UNIMPLEMENTED. */
	public TestHubble agentEvents(List<String> lines) {
		this.server.agentEvents = (lines != null) ? List.copyOf(lines) : null;
		return this;
	}

	/** A {@code {"name", "address", "state"}} member of a GetNodesResponse's {@code nodes}. */
	public static String node(String name, String address, String state) {
		return "{\"name\":\"" + name + "\",\"address\":\"" + address + "\",\"state\":\"" + state + "\"}";
	}

	/**
	 * A POLICY_UPDATED (or POLICY_DELETED) event with the labels a Cilium agent gives a policy from Kubernetes
	 * ({@code namespace} null for a cluster-wide kind).
	 */
	public static String policyEvent(String node, Instant time, boolean deleted, String kind, String namespace,
			String name) {
		String labels = "\"k8s:io.cilium.k8s.policy.derived-from=" + kind + "\",\"k8s:io.cilium.k8s.policy.name=" + name
				+ "\"" + ((namespace != null) ? ",\"k8s:io.cilium.k8s.policy.namespace=" + namespace + "\"" : "")
				+ ",\"k8s:io.cilium.k8s.policy.uid=0b6c0b1e-9d1a-4c1e-8a8e-1c2d3e4f5a6b\"";
		return "{\"agent_event\":{\"type\":\"" + (deleted ? "POLICY_DELETED" : "POLICY_UPDATED")
				+ "\",\"policy_update\":{\"labels\":[" + labels + "],\"revision\":\"7\",\"rule_count\":\"1\"}},"
				+ "\"node_name\":\"" + node + "\",\"time\":\"" + time + "\"}";
	}

	@Override
	public void close() throws InterruptedException {
		this.server.close();
	}

}
