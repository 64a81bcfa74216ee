package dev.portcullis.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.eval.EngineOptions.AllowLocalhost;
import dev.portcullis.engine.eval.EngineOptions.DnsRejectResponse;
import dev.portcullis.engine.eval.EngineOptions.PolicyEnforcementMode;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The agent settings of one cluster: the Cilium version that validation follows and the agent options that change
 * verdicts ({@link EngineOptions}). A workspace stores one ({@link WorkspaceSettings}); {@code POST /api/v1/evaluate}
 * takes one inline as {@code options}. {@link #DEFAULTS} are Cilium 1.19's.
 * <p>
 * Written and read as one JSON object whose members are named after Cilium's Helm values and agent flags
 * ({@link Setting}); {@link #read} is the one reader (every problem at once, each naming its field), {@link #toJson}
 * the one writer. A member that is absent or {@code null} is Cilium's default.
 *
 * @param ciliumVersion the release line validation and the engine follow ({@code 1.19})
 * @param engineOptions the agent options the engine decides with; its {@link EngineOptions#ciliumVersion()} is
 *        set to {@code ciliumVersion}
 */
public record AgentSettings(CiliumVersion ciliumVersion, EngineOptions engineOptions) {

	/** The engine options carry the same Cilium version, since some verdicts depend on it. */
	public AgentSettings {
		engineOptions = engineOptions.withCiliumVersion(ciliumVersion);
	}

	/** Cilium 1.19's defaults: what a workspace that never set its settings has. */
	public static final AgentSettings DEFAULTS = new AgentSettings(CiliumVersion.DEFAULT, EngineOptions.DEFAULTS);

	/**
	 * Cilium's cluster name rule: at most 32 lower-case letters, digits and '-', starting and ending with a letter or
	 * digit (cilium/cilium pkg/clustermesh/types, {@code ValidateClusterName}, used by {@code ClusterInfo.Validate}).
	 */
	private static final Pattern CLUSTER_NAME = Pattern.compile("([a-z0-9][-a-z0-9]*)?[a-z0-9]");

	private static final int CLUSTER_NAME_MAX = 32;

	/**
	 * One setting: its JSON member name, what a page calls it, and the Cilium agent flag and Helm value it mirrors.
	 */
	public enum Setting {

		CILIUM_VERSION("ciliumVersion", "Cilium version", "(the agent's release)", "image.tag"),
		POLICY_ENFORCEMENT_MODE("policyEnforcementMode", "Policy enforcement mode", "enable-policy",
				"policyEnforcementMode"),
		POLICY_AUDIT_MODE("policyAuditMode", "Policy audit mode", "policy-audit-mode", "policyAuditMode"),
		CLUSTER_NAME("clusterName", "Cluster name", "cluster-name", "cluster.name"),
		ALLOW_LOCALHOST("allowLocalhost", "Allow localhost", "allow-localhost", "extraConfig.allow-localhost"),
		POLICY_DEFAULT_LOCAL_CLUSTER("policyDefaultLocalCluster", "Peers default to the local cluster",
				"policy-default-local-cluster", "clustermesh.policyDefaultLocalCluster"),
		POLICY_CIDR_MATCH_MODE("policyCidrMatchMode", "CIDR selectors match nodes", "policy-cidr-match-mode",
				"policyCIDRMatchMode"),
		NODE_SELECTOR_LABELS("nodeSelectorLabels", "Node selector labels", "enable-node-selector-labels",
				"nodeSelectorLabels"),
		NON_DEFAULT_DENY_POLICIES("nonDefaultDenyPolicies", "Non-default-deny policies",
				"enable-non-default-deny-policies", "enableNonDefaultDenyPolicies"),
		DNS_REJECT_RESPONSE_CODE("dnsRejectResponseCode", "DNS reject response code",
				"tofqdns-dns-reject-response-code", "dnsProxy.dnsRejectResponseCode"),
		HOST_FIREWALL("hostFirewall", "Host firewall", "enable-host-firewall", "hostFirewall.enabled"),
		MUTUAL_AUTHENTICATION("mutualAuthentication", "Mutual authentication", "mesh-auth-enabled + SPIRE",
				"authentication.mutual.spire.enabled");

		private final String json;

		private final String label;

		private final String flag;

		private final String helm;

		Setting(String json, String label, String flag, String helm) {
			this.json = json;
			this.label = label;
			this.flag = flag;
			this.helm = helm;
		}

		/** The JSON member (and form field) name, {@code policyEnforcementMode}. */
		public String json() {
			return this.json;
		}

		/** What a page calls it. */
		public String label() {
			return this.label;
		}

		/** The Cilium agent flag it mirrors, {@code enable-policy}. */
		public String flag() {
			return this.flag;
		}

		/** The Helm value it mirrors, {@code policyEnforcementMode}. */
		public String helm() {
			return this.helm;
		}

		static @Nullable Setting named(String json) {
			for (Setting setting : values()) {
				if (setting.json.equals(json)) {
					return setting;
				}
			}
			return null;
		}

	}

	/** Every member name, in {@link Setting} order. */
	public static final List<String> NAMES = Stream.of(Setting.values()).map(Setting::json).toList();

	/**
	 * What {@link #read} made of a JSON object.
	 *
	 * @param settings the settings, with every member that had a problem left at its value in the base
	 * @param violations one per bad member, its {@code path} the member's ({@code options.clusterName}); empty when
	 *        the object was good
	 */
	public record Reading(AgentSettings settings, List<FieldViolation> violations) {

		public boolean isValid() {
			return this.violations.isEmpty();
		}

	}

	/**
	 * Reads settings from a JSON object; absent and {@code null} members keep {@code base}'s value (pass
	 * {@link #DEFAULTS} for Cilium's). Every problem is reported, each naming its member; an unknown member is one.
	 * @param node the object; null or JSON {@code null} is {@code base}
	 * @param path where the object is in the request ({@code options}), "" at the top: prefixes the members' paths
	 * @param otherMembers members the caller reads itself ({@code explain}), neither read nor refused here
	 */
	public static Reading read(@Nullable JsonNode node, AgentSettings base, String path, Set<String> otherMembers) {
		List<FieldViolation> violations = new ArrayList<>();
		if (node == null || node.isNull()) {
			return new Reading(base, violations);
		}
		if (!node.isObject()) {
			violations.add(FieldViolation.named(path.isEmpty() ? "settings" : path,
					"must be a JSON object of settings, not " + shown(node)));
			return new Reading(base, violations);
		}
		CiliumVersion version = base.ciliumVersion;
		EngineOptions options = base.engineOptions;
		for (String member : node.propertyNames()) {
			JsonNode value = node.get(member);
			String field = path.isEmpty() ? member : path + "." + member;
			Setting setting = Setting.named(member);
			if (setting == null) {
				if (!otherMembers.contains(member)) {
					List<String> allowed = new ArrayList<>(NAMES);
					allowed.addAll(otherMembers);
					violations.add(FieldViolation.named(field, "unknown option " + Quoted.of(member) + "; allowed: "
							+ String.join(", ", allowed)));
				}
				continue;
			}
			if (value.isNull()) {
				if (setting == Setting.CILIUM_VERSION) {
					version = DEFAULTS.ciliumVersion;
				}
				else {
					options = set(options, setting, DEFAULTS);
				}
				continue;
			}
			try {
				switch (setting) {
					case CILIUM_VERSION -> version = CiliumVersion.parse(text(value, "a Cilium version such as \"1.19\""));
					case POLICY_ENFORCEMENT_MODE -> options = options.withEnforcementMode(
							switch (text(value, "\"default\", \"always\" or \"never\"").toLowerCase(Locale.ROOT)) {
								case "default" -> PolicyEnforcementMode.DEFAULT;
								case "always" -> PolicyEnforcementMode.ALWAYS;
								case "never" -> PolicyEnforcementMode.NEVER;
								default -> throw mustBe("\"default\", \"always\" or \"never\"", value);
							});
					case POLICY_AUDIT_MODE -> options = options.withAuditMode(bool(value));
					case CLUSTER_NAME -> options = options.withClusterName(clusterName(value));
					case ALLOW_LOCALHOST -> options = options.withAllowLocalhost(
							switch (text(value, "\"always\" or \"policy\"").toLowerCase(Locale.ROOT)) {
								// "auto" is "always" when the agent runs in Kubernetes (daemon/cmd/daemon.go)
								case "always", "auto" -> AllowLocalhost.ALWAYS;
								case "policy" -> AllowLocalhost.POLICY;
								default -> throw mustBe("\"always\" or \"policy\"", value);
							});
					case POLICY_DEFAULT_LOCAL_CLUSTER -> options = options.withPolicyDefaultLocalCluster(bool(value));
					case POLICY_CIDR_MATCH_MODE -> options = options.withCidrMatchesNodes(cidrMatchesNodes(value));
					case NODE_SELECTOR_LABELS -> options = options.withNodeSelectorLabels(bool(value));
					case NON_DEFAULT_DENY_POLICIES -> options = options.withNonDefaultDenyPolicies(bool(value));
					case DNS_REJECT_RESPONSE_CODE -> options = options.withDnsRejectResponse(
							// the DNS proxy compares the flag's value case-insensitively (pkg/fqdn/dnsproxy, SetRejectReply)
							switch (text(value, "\"refused\" or \"nameError\"").toLowerCase(Locale.ROOT)) {
								case "refused" -> DnsRejectResponse.REFUSED;
								case "nameerror" -> DnsRejectResponse.NAME_ERROR;
								default -> throw mustBe("\"refused\" or \"nameError\"", value);
							});
					case HOST_FIREWALL -> options = options.withHostFirewall(bool(value));
					case MUTUAL_AUTHENTICATION -> options = options.withMutualAuthentication(bool(value));
				}
			}
			catch (IllegalArgumentException ex) {
				violations.add(FieldViolation.named(field, ex.getMessage()));
			}
		}
		return new Reading(new AgentSettings(version, options), violations);
	}

	/** {@code options} with {@code setting} taken from {@code from}. */
	private static EngineOptions set(EngineOptions options, Setting setting, AgentSettings from) {
		EngineOptions source = from.engineOptions;
		return switch (setting) {
			case CILIUM_VERSION -> options;
			case POLICY_ENFORCEMENT_MODE -> options.withEnforcementMode(source.enforcementMode());
			case POLICY_AUDIT_MODE -> options.withAuditMode(source.auditMode());
			case CLUSTER_NAME -> options.withClusterName(source.clusterName());
			case ALLOW_LOCALHOST -> options.withAllowLocalhost(source.allowLocalhost());
			case POLICY_DEFAULT_LOCAL_CLUSTER -> options.withPolicyDefaultLocalCluster(source.policyDefaultLocalCluster());
			case POLICY_CIDR_MATCH_MODE -> options.withCidrMatchesNodes(source.cidrMatchesNodes());
			case NODE_SELECTOR_LABELS -> options.withNodeSelectorLabels(source.nodeSelectorLabels());
			case NON_DEFAULT_DENY_POLICIES -> options.withNonDefaultDenyPolicies(source.nonDefaultDenyPolicies());
			case DNS_REJECT_RESPONSE_CODE -> options.withDnsRejectResponse(source.dnsRejectResponse());
			case HOST_FIREWALL -> options.withHostFirewall(source.hostFirewall());
			case MUTUAL_AUTHENTICATION -> options.withMutualAuthentication(source.mutualAuthentication());
		};
	}

	private static String text(JsonNode value, String allowed) {
		if (!value.isString()) {
			throw mustBe(allowed, value);
		}
		return value.asString().strip();
	}

	private static boolean bool(JsonNode value) {
		if (!value.isBoolean()) {
			throw mustBe("true or false", value);
		}
		return value.asBoolean();
	}

	private static String clusterName(JsonNode value) {
		String name = text(value, "a cluster name such as \"default\"");
		if (name.length() > CLUSTER_NAME_MAX || !CLUSTER_NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(Quoted.of(name) + " is not a cluster name Cilium accepts: at most "
					+ CLUSTER_NAME_MAX + " lower-case letters, digits and '-', starting and ending with a letter or digit");
		}
		return name;
	}

	/**
	 * {@code policyCidrMatchMode}: a list as in Helm ({@code []} or {@code ["nodes"]}), or the agent flag's text
	 * ({@code ""} or {@code "nodes"}). Cilium knows one mode, {@code nodes} (pkg/option/config.go,
	 * {@code validatePolicyCIDRMatchMode}).
	 */
	private static boolean cidrMatchesNodes(JsonNode value) {
		List<String> modes = new ArrayList<>();
		if (value.isString()) {
			for (String mode : value.asString().split("[\\s,]+")) {
				if (!mode.isEmpty()) {
					modes.add(mode);
				}
			}
		}
		else if (value.isArray()) {
			for (JsonNode item : value) {
				if (!item.isString()) {
					throw mustBe("[] or [\"nodes\"]", value);
				}
				modes.add(item.asString().strip());
			}
		}
		else {
			throw mustBe("[] or [\"nodes\"]", value);
		}
		for (String mode : modes) {
			if (!mode.equals("nodes")) {
				throw new IllegalArgumentException("the only mode Cilium knows is \"nodes\", not " + Quoted.of(mode));
			}
		}
		return !modes.isEmpty();
	}

	private static IllegalArgumentException mustBe(String allowed, JsonNode value) {
		return new IllegalArgumentException("must be " + allowed + ", not " + shown(value));
	}

	private static String shown(JsonNode value) {
		return value.isString() ? Quoted.of(value.asString()) : Quoted.cut(value.toString(), Quoted.MAX_CHARS);
	}

	/** The JSON object {@link #read} reads back: every setting, in {@link Setting} order. */
	public Map<String, Object> toJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		for (Setting setting : Setting.values()) {
			json.put(setting.json, value(setting));
		}
		return json;
	}

	/** A setting's value as JSON writes it: a string, a boolean, or (policyCidrMatchMode) a list. */
	public Object value(Setting setting) {
		EngineOptions o = this.engineOptions;
		return switch (setting) {
			case CILIUM_VERSION -> this.ciliumVersion.toString();
			case POLICY_ENFORCEMENT_MODE -> o.enforcementMode().name().toLowerCase(Locale.ROOT);
			case POLICY_AUDIT_MODE -> o.auditMode();
			case CLUSTER_NAME -> o.clusterName();
			case ALLOW_LOCALHOST -> o.allowLocalhost().name().toLowerCase(Locale.ROOT);
			case POLICY_DEFAULT_LOCAL_CLUSTER -> o.policyDefaultLocalCluster();
			case POLICY_CIDR_MATCH_MODE -> o.cidrMatchesNodes() ? List.of("nodes") : List.of();
			case NODE_SELECTOR_LABELS -> o.nodeSelectorLabels();
			case NON_DEFAULT_DENY_POLICIES -> o.nonDefaultDenyPolicies();
			case DNS_REJECT_RESPONSE_CODE -> (o.dnsRejectResponse() == DnsRejectResponse.REFUSED) ? "refused" : "nameError";
			case HOST_FIREWALL -> o.hostFirewall();
			case MUTUAL_AUTHENTICATION -> o.mutualAuthentication();
		};
	}

	/** A setting's value as a page shows it: {@code default}, {@code on}, {@code off}, {@code nodes}, {@code none}. */
	public String text(Setting setting) {
		Object value = value(setting);
		if (value instanceof Boolean on) {
			return on ? "on" : "off";
		}
		if (value instanceof List<?> list) {
			return list.isEmpty() ? "none" : list.stream().map(String::valueOf).collect(Collectors.joining(", "));
		}
		return String.valueOf(value);
	}

	/** Whether {@code setting} has Cilium's default value. */
	public boolean isDefault(Setting setting) {
		return value(setting).equals(DEFAULTS.value(setting));
	}

	/**
	 * The settings whose values differ between this and {@code after}, as {@code {"before": {...}, "after": {...}}}
	 * with only those members: what the audit log records for a change.
	 */
	public Map<String, Object> changesTo(AgentSettings after) {
		Map<String, Object> before = new LinkedHashMap<>();
		Map<String, Object> now = new LinkedHashMap<>();
		for (Setting setting : Setting.values()) {
			if (!value(setting).equals(after.value(setting))) {
				before.put(setting.json, value(setting));
				now.put(setting.json, after.value(setting));
			}
		}
		Map<String, Object> changes = new LinkedHashMap<>();
		changes.put("before", before);
		changes.put("after", now);
		return changes;
	}

}
