package dev.portcullis.engine.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import com.google.re2j.Pattern;
import dev.portcullis.engine.api.PeerRule.IcmpField;
import dev.portcullis.engine.api.PeerRule.IcmpRule;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.PortRule.L7Rules;
import dev.portcullis.engine.api.PortRule.Listener;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Node.ScalarType;
import dev.portcullis.engine.match.IcmpTypes;
import dev.portcullis.engine.match.ServerNamePattern;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.parse.CiliumVersion.V1_19;
import static dev.portcullis.engine.parse.CiliumVersion.V1_20;
import static dev.portcullis.engine.parse.Reading.WIDENED;
import static dev.portcullis.engine.parse.Reading.at;
import static dev.portcullis.engine.parse.Reading.child;
import static dev.portcullis.engine.parse.Reading.field;
import static dev.portcullis.engine.parse.Reading.item;
import static dev.portcullis.engine.parse.Reading.present;
import static dev.portcullis.engine.parse.Reading.problem;
import static dev.portcullis.engine.parse.Reading.quote;

/**
 * Reads and validates the L4 part of a peer rule: its {@code toPorts} items (ports, server names, listener, TLS,
 * with their L7 rules read by {@link L7Reader}) and its {@code icmps}. Stateless apart from the shared
 * {@link Reading}; the policy kind decides the default envoyConfig kind of a listener.
 */
final class PortReader {

	private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP", "VRRP", "IGMP", "ANY");

	/**
	 * The {@code ServerName} pattern of the Cilium 1.18/1.19 CRD (pkg/policy/api/l4.go): an optional leading
	 * {@code *.} or {@code **.} and then plain labels. Cilium 1.20 (cilium/cilium#43674) loosened it to
	 * {@code ^([-a-zA-Z0-9_*]+[.]?)+$}, a {@code *} anywhere within a label.
	 */
	private static final Pattern PREFIX_ONLY_SERVER_NAME = Pattern.compile("^(\\*?\\*\\.)?([-a-zA-Z0-9_]+\\.?)+$");

	private static final int MAX_PORTS = 40;

	private static final int MAX_ICMP_FIELDS = 40;

	private static final Map<String, String> WIDENING_IN_DENY_PORT = Map.of("rules",
			"deny rules cannot carry L7 rules." + WIDENED + "the rule DENIES THE WHOLE PORT. Deny the port on purpose,"
					+ " or use an allow rule with L7 rules instead.",
			"serverNames", "deny rules cannot match TLS server names." + WIDENED + "the rule denies the whole port.",
			"listener", "deny rules cannot redirect to a listener." + WIDENED + "the rule denies the whole port.",
			"terminatingTLS", "deny rules cannot terminate TLS." + WIDENED + "the rule denies the whole port.",
			"originatingTLS", "deny rules cannot originate TLS." + WIDENED + "the rule denies the whole port.");

	private final Reading reading;

	private final PolicyKind kind;

	private final L7Reader l7;

	PortReader(Reading reading, PolicyKind kind) {
		this.reading = reading;
		this.kind = kind;
		this.l7 = new L7Reader(reading);
	}

	/** The {@code toPorts} items of a peer rule, invalid ones left out; null when absent. */
	@Nullable List<PortRule> toPorts(MapNode map, String path, boolean ingress, boolean deny) {
		return this.reading.objects(map, "toPorts", path,
				(entry, itemPath) -> portRule(entry, itemPath, ingress, deny));
	}

	private @Nullable PortRule portRule(MapNode map, String path, boolean ingress, boolean deny) {
		int errors = this.reading.errorCount();
		if (deny) {
			this.reading.knownFields(map, path, Set.of("ports"), WIDENING_IN_DENY_PORT, false);
		}
		else {
			this.reading.knownFields(map, path, Set.of("ports", "rules", "serverNames", "listener", "terminatingTLS",
					"originatingTLS"));
		}
		L7Rules rules = deny ? null : this.l7.l7Rules(map, path);
		boolean hasL7 = rules != null && !rules.isEmpty();
		boolean hasDns = rules != null && !rules.dns().isEmpty();
		if (hasDns && ingress) {
			this.reading.error(child(path, "rules.dns"), map.keyPosition("rules"),
					"DNS rules are not allowed on ingress: DNS rules apply to egress only.");
		}
		List<PortProtocol> ports = new ArrayList<>();
		List<Node> portItems = this.reading.array(map, "ports", path);
		boolean zeroPort = false;
		if (portItems != null) {
			if (portItems.size() > MAX_PORTS) {
				this.reading.error(child(path, "ports"), map.keyPosition("ports"),
						"Too many ports: " + portItems.size() + "; the max is " + MAX_PORTS + ".");
			}
			for (int i = 0; i < portItems.size(); i++) {
				String portPath = item(child(path, "ports"), i);
				PortProtocol port = portProtocol(portItems.get(i), portPath, hasDns);
				if (port == null) {
					continue;
				}
				ports.add(port);
				if (port.port().equals("0")) {
					zeroPort = true;
				}
				if (hasL7 && !hasDns && port.protocol() != Protocol.TCP) {
					this.reading.error(child(portPath, "protocol"), portItems.get(i).position(),
							"L7 rules can only apply to TCP (not " + port.protocol()
									+ ") except for DNS rules: set protocol: TCP explicitly.");
				}
			}
		}
		if ((portItems == null || portItems.isEmpty()) && !hasDns) {
			this.reading.warning(child(path, "ports"), map.position(), "This toPorts item lists no ports, so it matches"
					+ " no traffic: Cilium builds its port filters from the ports listed. List the ports, or use"
					+ " port \"0\" for every port.");
		}
		if (hasL7 && zeroPort) {
			this.reading.error(child(path, "ports"), map.keyPosition("ports"),
					"L7 rules can not be used when a port is 0 (every port): name the ports the L7 rules apply to.");
		}
		if (hasDns && ports.isEmpty()) {
			this.reading.error(child(path, "ports"), map.position(),
					"Port 53 must be specified for DNS rules: add ports such as {port: \"53\", protocol: ANY}.");
		}
		List<String> serverNames = deny ? List.of() : serverNames(map, path);
		if (!serverNames.isEmpty() && hasL7 && !present(map, "terminatingTLS")) {
			this.reading.error(child(path, "serverNames"), map.keyPosition("serverNames"),
					"ServerNames are not allowed with L7 rules without TLS termination: add terminatingTLS or move the"
							+ " L7 rules to another port rule.");
		}
		Listener listener = deny ? null : listener(map, path, ingress, hasL7);
		boolean terminating = !deny && tls(map, "terminatingTLS", path);
		boolean originating = !deny && tls(map, "originatingTLS", path);
		if (this.reading.errorCount() != errors) {
			return null;
		}
		return new PortRule(path, ports, rules, serverNames, listener, terminating, originating);
	}

	private @Nullable PortProtocol portProtocol(Node node, String path, boolean hasDns) {
		MapNode map = this.reading.object(node, path);
		if (map == null) {
			return null;
		}
		this.reading.knownFields(map, path, Set.of("port", "endPort", "protocol"));
		int errors = this.reading.errorCount();
		String port = this.reading.string(map, "port", path);
		Long endPort = this.reading.integer(map, "endPort", path, 0, 65535);
		String protocolText = this.reading.enumeration(map, "protocol", path, PROTOCOLS);
		if (this.reading.errorCount() != errors) {
			return null;
		}
		Protocol protocol = (protocolText == null) ? Protocol.ANY : Protocol.valueOf(protocolText);
		if ((protocol == Protocol.VRRP || protocol == Protocol.IGMP) && this.reading.target.isBefore(V1_19)) {
			this.reading.warning(child(path, "protocol"), at(map, "protocol"), "Protocol " + protocolText
					+ " is new in Cilium 1.19; Cilium " + this.reading.target + " does not know it.");
		}
		int end = (endPort != null) ? endPort.intValue() : 0;
		boolean extended = protocol == Protocol.VRRP || protocol == Protocol.IGMP;
		if (port == null || port.isEmpty()) {
			if (extended) {
				return new PortProtocol("0", 0, protocol);
			}
			this.reading.error(child(path, "port"), (port == null) ? map.position() : at(map, "port"),
					"Port must be specified: a number from 0 to 65535 (\"0\" = every port) or a named container"
							+ " port.");
			return null;
		}
		if (!Character.isDigit(port.charAt(0)) && !Ports.CRD_PATTERN.matcher(port).find()) {
			this.reading.error(child(path, "port"), at(map, "port"), "The port " + quote(port)
					+ " is not a number from 0 to 65535 or a port name (letters, digits and single hyphens).");
			return null;
		}
		String canonical;
		if (Ports.isServiceName(port)) {
			canonical = port.toLowerCase(Locale.ROOT);
			if (end != 0) {
				// pkg/policy/l4.go createL4Filter keeps EndPort for a named port; toMapState resolves the name and
				// covers PortRangeToMaskedPorts(resolved, EndPort).
				this.reading.warning(child(path, "endPort"), at(map, "endPort"), "endPort " + end + " with the named"
						+ " port " + quote(port) + ": Cilium resolves the name on each pod and then allows every port"
						+ " from the resolved one up to " + end + " (only the resolved port when it is " + end
						+ " or above). Use a numeric port for a range.");
			}
		}
		else {
			OptionalInt number = Ports.parseNumber(port);
			if (number.isEmpty()) {
				this.reading.error(child(path, "port"), at(map, "port"), "Unable to parse port " + quote(port)
						+ ": use a number from 0 to 65535 or an IANA service name (at most 15 letters, digits and"
						+ " single inner hyphens, with at least one letter).");
				return null;
			}
			canonical = Integer.toString(number.getAsInt());
			if (extended && number.getAsInt() != 0) {
				this.reading.error(child(path, "port"), at(map, "port"), "Port must be empty or 0 for protocol "
						+ protocol + ", which has no ports; not " + quote(port) + ".");
				return null;
			}
			if (hasDns && end > number.getAsInt()) {
				this.reading.error(child(path, "endPort"), at(map, "endPort"),
						"DNS rules do not support port ranges: remove endPort.");
				return null;
			}
			if (number.getAsInt() == 0 && end != 0 && end != 65535) {
				// pkg/policy/portrange.go PortRangeToMaskedPorts: only 0 with endPort 0 or 65535 is the wildcard port.
				this.reading.warning(child(path, "endPort"), at(map, "endPort"), "port \"0\" with endPort " + end
						+ " covers ports 0 to " + end + " only, not every port: omit endPort (or use 65535) for every"
						+ " port.");
			}
			if (end != 0 && end < number.getAsInt()) {
				this.reading.warning(child(path, "endPort"), at(map, "endPort"), "endPort " + end + " is below port "
						+ canonical + ": the range is empty, so only port " + canonical + " is matched.");
				end = 0;
			}
		}
		return new PortProtocol(canonical, end, protocol);
	}

	private List<String> serverNames(MapNode map, String path) {
		List<String> names = this.reading.strings(map, "serverNames", path);
		if (names == null) {
			return List.of();
		}
		if (names.isEmpty()) {
			this.reading.error(child(path, "serverNames"), map.keyPosition("serverNames"),
					"serverNames must have at least one item (omit it to match any server name).");
		}
		List<String> valid = new ArrayList<>();
		for (String name : names) {
			Optional<String> problem = this.reading.check("serverName", name,
					(v) -> problem(() -> ServerNamePattern.parse(v)));
			if (problem.isPresent()) {
				this.reading.error(child(path, "serverNames"), at(map, "serverNames"), problem.get());
			}
			else if (this.reading.target.isBefore(V1_20) && !PREFIX_ONLY_SERVER_NAME.matches(name)) {
				this.reading.error(child(path, "serverNames"), at(map, "serverNames"), "The Cilium "
						+ this.reading.target + " CRD rejects the server name " + quote(name) + ": it allows a"
						+ " wildcard only as a leading \"*.\" (one label) or \"**.\" (one or more labels) before a"
						+ " full name, such as *.example.com. A \"*\" anywhere else needs Cilium 1.20.");
			}
			else {
				valid.add(name);
			}
		}
		return valid;
	}

	private @Nullable Listener listener(MapNode map, String path, boolean ingress, boolean hasL7) {
		MapNode listener = this.reading.object(map, "listener", path);
		if (listener == null) {
			return null;
		}
		String listenerPath = child(path, "listener");
		this.reading.knownFields(listener, listenerPath, Set.of("envoyConfig", "name", "priority"));
		if (ingress) {
			this.reading.error(listenerPath, map.keyPosition("listener"), "Listener is not allowed on ingress.");
		}
		if (hasL7) {
			this.reading.error(listenerPath, map.keyPosition("listener"),
					"Listener is not allowed with L7 rules on the same port rule.");
		}
		String name = this.reading.string(listener, "name", listenerPath);
		if (name == null || name.isEmpty()) {
			this.reading.error(child(listenerPath, "name"), listener.position(), "listener needs a non-empty name.");
		}
		Long priority = this.reading.integer(listener, "priority", listenerPath, 1, 100);
		MapNode config = this.reading.object(listener, "envoyConfig", listenerPath);
		String configKind = null;
		String configName = null;
		if (config == null) {
			this.reading.error(child(listenerPath, "envoyConfig"), listener.position(),
					"listener needs envoyConfig with the name (and kind) of a CiliumEnvoyConfig.");
		}
		else {
			String configPath = child(listenerPath, "envoyConfig");
			this.reading.knownFields(config, configPath, Set.of("kind", "name"));
			configKind = this.reading.enumeration(config, "kind", configPath,
					List.of("CiliumEnvoyConfig", "CiliumClusterwideEnvoyConfig"));
			configName = this.reading.string(config, "name", configPath);
			if (configName == null || configName.isEmpty()) {
				this.reading.error(child(configPath, "name"), config.position(), "envoyConfig needs a non-empty name.");
			}
			if (configKind == null) {
				configKind = (this.kind == PolicyKind.CILIUM_NETWORK_POLICY) ? "CiliumEnvoyConfig"
						: "CiliumClusterwideEnvoyConfig";
			}
			else if (configKind.equals("CiliumEnvoyConfig") && this.kind != PolicyKind.CILIUM_NETWORK_POLICY) {
				this.reading.error(child(configPath, "kind"), at(config, "kind"), "A CiliumClusterwideNetworkPolicy"
						+ " cannot refer to a namespaced CiliumEnvoyConfig; use a CiliumClusterwideEnvoyConfig.");
			}
		}
		if (name == null || configName == null || configKind == null) {
			return null;
		}
		return new Listener(configKind, configName, name, (priority != null) ? priority.intValue() : 0);
	}

	private boolean tls(MapNode map, String key, String path) {
		MapNode tls = this.reading.object(map, key, path);
		if (tls == null) {
			return false;
		}
		String tlsPath = child(path, key);
		this.reading.knownFields(tls, tlsPath, Set.of("secret", "trustedCA", "certificate", "privateKey"));
		MapNode secret = this.reading.object(tls, "secret", tlsPath);
		if (secret == null) {
			this.reading.error(child(tlsPath, "secret"), tls.position(), key + " needs a secret {namespace, name}.");
		}
		else {
			String secretPath = child(tlsPath, "secret");
			this.reading.knownFields(secret, secretPath, Set.of("name", "namespace"));
			if (!present(secret, "name")) {
				this.reading.error(secretPath, secret.position(), "The secret needs a name.");
			}
			this.reading.string(secret, "name", secretPath);
			this.reading.string(secret, "namespace", secretPath);
		}
		this.reading.string(tls, "trustedCA", tlsPath);
		this.reading.string(tls, "certificate", tlsPath);
		this.reading.string(tls, "privateKey", tlsPath);
		return true;
	}

	/** The {@code icmps} items of a peer rule; null when absent. */
	@Nullable List<IcmpRule> icmps(MapNode map, String path) {
		return this.reading.objects(map, "icmps", path, this::icmpRule);
	}

	private IcmpRule icmpRule(MapNode entry, String itemPath) {
		this.reading.knownFields(entry, itemPath, Set.of("fields"));
		List<Node> fieldItems = this.reading.array(entry, "fields", itemPath);
		if (fieldItems == null) {
			return new IcmpRule(List.of());
		}
		if (fieldItems.size() > MAX_ICMP_FIELDS) {
			this.reading.error(child(itemPath, "fields"), entry.keyPosition("fields"), "Too many ICMP fields: "
					+ fieldItems.size() + "; the max is " + MAX_ICMP_FIELDS + ".");
		}
		return new IcmpRule(Reading.each(fieldItems, child(itemPath, "fields"), this::icmpField));
	}

	private @Nullable IcmpField icmpField(Node node, String path) {
		MapNode map = this.reading.object(node, path);
		if (map == null) {
			return null;
		}
		this.reading.knownFields(map, path, Set.of("family", "type"));
		String family = this.reading.enumeration(map, "family", path, List.of("IPv4", "IPv6"));
		if (present(map, "family") && family == null) {
			return null;
		}
		String effectiveFamily = (family != null) ? family : "IPv4";
		Node typeNode = field(map, "type");
		if (typeNode == null) {
			this.reading.error(path, map.position(), "An ICMP field needs a type: a number from 0 to 255 or a name"
					+ " such as EchoRequest.");
			return null;
		}
		if (!(typeNode instanceof ScalarNode scalar)
				|| (scalar.type() != ScalarType.INT && scalar.type() != ScalarType.STRING)) {
			this.reading.error(child(path, "type"), typeNode.position(), "The ICMP type must be a number from 0 to"
					+ " 255 or a name such as EchoRequest, not " + Reading.describe(typeNode) + ".");
			return null;
		}
		String type = scalar.value();
		if (scalar.type() == ScalarType.STRING && !IcmpTypes.crdAccepts(type)
				&& IcmpTypes.resolve(effectiveFamily, type).isPresent()) {
			this.reading.error(child(path, "type"), typeNode.position(), "The API server rejects the ICMP type "
					+ quote(type) + ": the CRD's pattern for it reads \"ExtendedEcho Reply\" (a line break in the"
					+ " generated schema became a space), so this name never matches. Write the number "
					+ IcmpTypes.resolve(effectiveFamily, type).getAsInt() + " instead.");
			return null;
		}
		if (IcmpTypes.resolve(effectiveFamily, type).isEmpty()) {
			this.reading.error(child(path, "type"), typeNode.position(), "The ICMP type " + quote(type)
					+ " is not valid for family " + effectiveFamily + ": use a number from 0 to 255 or an "
					+ effectiveFamily + " message name such as " + (effectiveFamily.equals("IPv4") ? "EchoRequest"
							: "EchoRequest, NeighborSolicitation")
					+ ".");
			return null;
		}
		return new IcmpField(effectiveFamily, type);
	}
}
