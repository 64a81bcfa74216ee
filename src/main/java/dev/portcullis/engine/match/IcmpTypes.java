package dev.portcullis.engine.match;

import java.util.Map;
import java.util.OptionalInt;

import com.google.re2j.Pattern;

/**
 * ICMP type numbers for the names Cilium's {@code icmps} accept, per family ({@code IPv4} / {@code IPv6}).
 * <p>
 * Mirrors pkg/policy/api/icmp.go: a type is a number 0..255 (canonical decimal, as the CRD pattern requires) or a
 * case-sensitive CamelCase name from the family's table; a name from the other family's table is invalid
 * ({@code PacketTooBig} is IPv6 only). An empty family means {@code IPv4} (the CRD default).
 */
public final class IcmpTypes {

	private static final Map<String, Integer> IPV4 = Map.ofEntries(Map.entry("EchoReply", 0),
			Map.entry("DestinationUnreachable", 3), Map.entry("Redirect", 5), Map.entry("Echo", 8),
			Map.entry("EchoRequest", 8), Map.entry("RouterAdvertisement", 9), Map.entry("RouterSelection", 10),
			Map.entry("TimeExceeded", 11), Map.entry("ParameterProblem", 12), Map.entry("Timestamp", 13),
			Map.entry("TimestampReply", 14), Map.entry("Photuris", 40), Map.entry("ExtendedEchoRequest", 42),
			Map.entry("ExtendedEchoReply", 43));

	private static final Map<String, Integer> IPV6 = Map.ofEntries(Map.entry("DestinationUnreachable", 1),
			Map.entry("PacketTooBig", 2), Map.entry("TimeExceeded", 3), Map.entry("ParameterProblem", 4),
			Map.entry("EchoRequest", 128), Map.entry("EchoReply", 129), Map.entry("MulticastListenerQuery", 130),
			Map.entry("MulticastListenerReport", 131), Map.entry("MulticastListenerDone", 132),
			Map.entry("RouterSolicitation", 133), Map.entry("RouterAdvertisement", 134),
			Map.entry("NeighborSolicitation", 135), Map.entry("NeighborAdvertisement", 136),
			Map.entry("RedirectMessage", 137), Map.entry("RouterRenumbering", 138),
			Map.entry("ICMPNodeInformationQuery", 139), Map.entry("ICMPNodeInformationResponse", 140),
			Map.entry("InverseNeighborDiscoverySolicitation", 141),
			Map.entry("InverseNeighborDiscoveryAdvertisement", 142),
			Map.entry("HomeAgentAddressDiscoveryRequest", 144), Map.entry("HomeAgentAddressDiscoveryReply", 145),
			Map.entry("MobilePrefixSolicitation", 146), Map.entry("MobilePrefixAdvertisement", 147),
			Map.entry("DuplicateAddressRequestCodeSuffix", 157),
			Map.entry("DuplicateAddressConfirmationCodeSuffix", 158), Map.entry("ExtendedEchoRequest", 160),
			Map.entry("ExtendedEchoReply", 161));

	/**
	 * The cilium.io/v2 CRD's pattern for an ICMP {@code type} string, as the API server reads it: the generated
	 * schema writes the pattern as a plain YAML scalar broken across two lines inside {@code ExtendedEchoReply}, and
	 * YAML folds that line break into a space, so the pattern holds {@code ExtendedEcho Reply} and the API server
	 * rejects {@code ExtendedEchoReply} for both families (numbers 43 / 161 work). The names are not checked
	 * against the family here (the agent does that).
	 */
	private static final Pattern CRD_PATTERN = Pattern.compile("^([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]"
			+ "|EchoReply|DestinationUnreachable|Redirect|Echo|RouterAdvertisement|RouterSelection|TimeExceeded"
			+ "|ParameterProblem|Timestamp|TimestampReply|Photuris|ExtendedEchoRequest|ExtendedEcho Reply|PacketTooBig"
			+ "|ParameterProblem|EchoRequest|MulticastListenerQuery|MulticastListenerReport|MulticastListenerDone"
			+ "|RouterSolicitation|RouterAdvertisement|NeighborSolicitation|NeighborAdvertisement|RedirectMessage"
			+ "|RouterRenumbering|ICMPNodeInformationQuery|ICMPNodeInformationResponse"
			+ "|InverseNeighborDiscoverySolicitation|InverseNeighborDiscoveryAdvertisement"
			+ "|HomeAgentAddressDiscoveryRequest|HomeAgentAddressDiscoveryReply|MobilePrefixSolicitation"
			+ "|MobilePrefixAdvertisement|DuplicateAddressRequestCodeSuffix|DuplicateAddressConfirmationCodeSuffix)$");

	private IcmpTypes() {
	}

	/** Whether the API server accepts {@code type} written as a string (the CRD pattern; see {@link #CRD_PATTERN}). */
	public static boolean crdAccepts(String type) {
		return CRD_PATTERN.matches(type);
	}

	/** The type for a number 0..255 or a name valid in the family; empty when neither (or the family is unknown). */
	public static OptionalInt resolve(String family, String type) {
		Map<String, Integer> names;
		if (family.isEmpty() || family.equals("IPv4")) {
			names = IPV4;
		}
		else if (family.equals("IPv6")) {
			names = IPV6;
		}
		else {
			return OptionalInt.empty();
		}
		OptionalInt number = parseNumber(type);
		if (number.isPresent()) {
			return number;
		}
		Integer named = names.get(type);
		return (named != null) ? OptionalInt.of(named) : OptionalInt.empty();
	}

	/** Whether {@code family} is one Cilium accepts: {@code IPv4}, {@code IPv6}, or empty (IPv4). */
	public static boolean isValidFamily(String family) {
		return family.isEmpty() || family.equals("IPv4") || family.equals("IPv6");
	}

	private static OptionalInt parseNumber(String text) {
		int length = text.length();
		if (length < 1 || length > 3 || (length > 1 && text.charAt(0) == '0')) {
			return OptionalInt.empty();
		}
		int value = 0;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return OptionalInt.empty();
			}
			value = value * 10 + (c - '0');
		}
		return (value <= 255) ? OptionalInt.of(value) : OptionalInt.empty();
	}

}
