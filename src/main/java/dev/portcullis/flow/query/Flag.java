package dev.portcullis.flow.query;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The filter flags of {@code hubble observe} that Portcullis understands, with the query parameter each one is
 * (the flag's name with {@code _} for {@code -}), its short form, and the side of the flow it constrains: a
 * {@code from-} flag the source, a {@code to-} flag the destination, a flag of both sides (for example
 * {@code --pod}) the source <em>or</em> the destination, and the other flags the flow as a whole
 * (cilium/hubble cmd/observe/flows_filter.go).
 */
public enum Flag {

	FROM_POD("from-pod", Side.FROM, null), TO_POD("to-pod", Side.TO, null), POD("pod", Side.BOTH, null),
	FROM_NAMESPACE("from-namespace", Side.FROM, null), TO_NAMESPACE("to-namespace", Side.TO, null),
	NAMESPACE("namespace", Side.BOTH, "n"),
	FROM_LABEL("from-label", Side.FROM, null), TO_LABEL("to-label", Side.TO, null), LABEL("label", Side.BOTH, "l"),
	FROM_IP("from-ip", Side.FROM, null), TO_IP("to-ip", Side.TO, null), IP("ip", Side.BOTH, null),
	FROM_FQDN("from-fqdn", Side.FROM, null), TO_FQDN("to-fqdn", Side.TO, null), FQDN("fqdn", Side.BOTH, null),
	FROM_PORT("from-port", Side.FROM, null), TO_PORT("to-port", Side.TO, null), PORT("port", Side.BOTH, null),
	PROTOCOL("protocol", Side.FLOW, null), VERDICT("verdict", Side.FLOW, null), TYPE("type", Side.FLOW, "t"),
	HTTP_STATUS("http-status", Side.FLOW, null), HTTP_METHOD("http-method", Side.FLOW, null),
	HTTP_PATH("http-path", Side.FLOW, null), DROP_REASON_DESC("drop-reason-desc", Side.FLOW, null),
	NODE_NAME("node-name", Side.FLOW, null), TRAFFIC_DIRECTION("traffic-direction", Side.FLOW, null);

	/** Which endpoint a flag constrains. */
	public enum Side {
		/** The source. */
		FROM,
		/** The destination. */
		TO,
		/** The source or the destination (two alternative filters, as the CLI's left and right). */
		BOTH,
		/** The flow itself. */
		FLOW
	}

	/**
	 * Groups of flags that cannot be given together in the same list (the allow list, or the {@code --not} list),
	 * as the CLI's {@code newFlowFilter} conflicts say.
	 */
	static final List<List<String>> CONFLICTS = List.of(
			List.of("from-fqdn", "from-ip", "from-namespace", "from-pod", "fqdn", "ip", "namespace", "pod"),
			List.of("to-fqdn", "to-ip", "to-namespace", "to-pod", "fqdn", "ip", "namespace", "pod"),
			List.of("label", "from-label"), List.of("label", "to-label"), List.of("port", "to-port"),
			List.of("port", "from-port"));

	private final String flag;

	private final Side side;

	private final @Nullable String shortName;

	Flag(String flag, Side side, @Nullable String shortName) {
		this.flag = flag;
		this.side = side;
		this.shortName = shortName;
	}

	/** The CLI flag's name without dashes, {@code from-pod}. */
	public String flag() {
		return this.flag;
	}

	/** The query parameter, {@code from_pod}. */
	public String parameter() {
		return this.flag.replace('-', '_');
	}

	public Side side() {
		return this.side;
	}

	/** The one-letter form ({@code n}, {@code l}, {@code t}) or null. */
	public @Nullable String shortName() {
		return this.shortName;
	}

	/** The flag named {@code name} (CLI name, query parameter or short name), or null. */
	public static @Nullable Flag named(String name) {
		String normal = name.toLowerCase(Locale.ROOT).replace('_', '-');
		for (Flag flag : values()) {
			if (flag.flag.equals(normal) || normal.equals(flag.shortName)) {
				return flag;
			}
		}
		return null;
	}

}
