package dev.portcullis.engine.match;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code fromCIDR}/{@code toCIDR} entry or a {@code fromCIDRSet}/{@code toCIDRSet} item with a {@code cidr}
 * (pkg/policy/api/cidr.go): an address matches when it lies inside {@code cidr} and inside none of
 * {@code except}. Excepts apply only to their own item.
 * <p>
 * Example: {@code cidr: 10.0.0.0/8, except: [10.96.0.0/12]} matches {@code 10.1.2.3}, not {@code 10.96.0.1}, and
 * never an IPv6 address.
 */
public record CidrMatcher(Cidr cidr, List<Cidr> except) {

	public CidrMatcher {
		except = List.copyOf(except);
	}

	/**
	 * Parses a {@code cidr} and its {@code except} prefixes as written.
	 * @throws IllegalArgumentException when a text is not a prefix (see {@link Cidr#parse(String)})
	 */
	public static CidrMatcher parse(String cidr, List<String> except) {
		List<Cidr> excepts = new ArrayList<>(except.size());
		for (String text : except) {
			excepts.add(Cidr.parse(text));
		}
		return new CidrMatcher(Cidr.parse(cidr), excepts);
	}

	/**
	 * Cilium's check of one {@code except} entry (rule_validation.go {@code CIDRRule.sanitize}): it must be in
	 * prefix notation and its address must lie inside {@code cidr} (which also rules out a different family).
	 * Empty when valid.
	 */
	public static Optional<String> exceptError(Cidr cidr, String except) {
		if (!Cidr.isPrefixNotation(except)) {
			return Optional.of("except \"" + except + "\" must be in prefix notation (address/length)");
		}
		int slash = except.indexOf('/');
		Cidr parsed = Cidr.tryParse(except);
		IpAddress address = IpAddress.tryParse(except.substring(0, slash));
		if (parsed == null || address == null) {
			try {
				Cidr.parse(except);
			}
			catch (IllegalArgumentException ex) {
				return Optional.of(ex.getMessage());
			}
		}
		if (address == null || !cidr.contains(address)) {
			return Optional.of("allow CIDR prefix " + cidr + " does not contain exclude CIDR prefix " + except);
		}
		return Optional.empty();
	}

	/** Whether {@code ip} is inside {@code cidr} and outside every {@code except}. */
	public boolean matches(IpAddress ip) {
		if (!this.cidr.contains(ip)) {
			return false;
		}
		for (int i = 0; i < this.except.size(); i++) {
			if (this.except.get(i).contains(ip)) {
				return false;
			}
		}
		return true;
	}

}
