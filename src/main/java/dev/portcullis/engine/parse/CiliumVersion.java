package dev.portcullis.engine.parse;

/**
 * A Cilium release line ({@code 1.19}) that validation is tied to: features a release removed are errors when its
 * CRD rejects them, else warnings; features introduced after it draw warnings.
 * <p>
 * The default target is {@link #DEFAULT}, Cilium 1.19 (the v1.19.4 API the engine's semantics follow). Version facts
 * used (cilium/cilium): {@code fromRequires}/{@code toRequires} deprecated in 1.17 and given {@code MaxItems=0} in
 * 1.19; Kafka rules and generic L7 ({@code l7proto}/{@code l7}) deprecated, then removed with proxylib in 1.20
 * (PR #43557, and PR #44610 which removed the CRD fields). Features introduced after an older target draw a
 * warning: {@code enableDefaultDeny} (1.16, PR #30572), {@code fromNodes}/{@code toNodes} (1.16), protocols
 * {@code VRRP}/{@code IGMP} (1.19).
 */
public record CiliumVersion(int major, int minor) implements Comparable<CiliumVersion> {

	/** The version the engine's semantics follow when the caller names none. */
	public static final CiliumVersion DEFAULT = new CiliumVersion(1, 19);

	static final CiliumVersion V1_16 = new CiliumVersion(1, 16);

	static final CiliumVersion V1_17 = new CiliumVersion(1, 17);

	static final CiliumVersion V1_19 = new CiliumVersion(1, 19);

	static final CiliumVersion V1_20 = new CiliumVersion(1, 20);

	/**
	 * Parses {@code 1.19}, {@code v1.19}, {@code 1.19.4}; the patch level is ignored.
	 * @throws IllegalArgumentException quoting the text when it is not such a version
	 */
	public static CiliumVersion parse(String text) {
		String trimmed = text.strip();
		String version = (trimmed.startsWith("v") || trimmed.startsWith("V")) ? trimmed.substring(1) : trimmed;
		String[] parts = version.split("\\.", -1);
		if (parts.length < 2 || parts.length > 3) {
			throw invalid(text);
		}
		int[] numbers = new int[parts.length];
		for (int i = 0; i < parts.length; i++) {
			if (parts[i].isEmpty() || parts[i].length() > 4 || !parts[i].chars().allMatch(Character::isDigit)) {
				if (i == 2 && isPatchSuffix(parts[i])) {
					continue;
				}
				throw invalid(text);
			}
			numbers[i] = Integer.parseInt(parts[i]);
		}
		return new CiliumVersion(numbers[0], numbers[1]);
	}

	/** A patch level with a pre-release suffix, such as {@code 0-rc.1} or {@code 4-pre.2}. */
	private static boolean isPatchSuffix(String part) {
		int dash = part.indexOf('-');
		return dash > 0 && part.substring(0, dash).chars().allMatch(Character::isDigit);
	}

	private static IllegalArgumentException invalid(String text) {
		return new IllegalArgumentException(Reading.quote(text) + " is not a Cilium version: write major.minor such as 1.19"
				+ " (a leading v and a patch level such as 1.19.4 are allowed)");
	}

	@Override
	public int compareTo(CiliumVersion other) {
		return (this.major != other.major) ? Integer.compare(this.major, other.major)
				: Integer.compare(this.minor, other.minor);
	}

	public boolean isBefore(CiliumVersion other) {
		return compareTo(other) < 0;
	}

	@Override
	public String toString() {
		return this.major + "." + this.minor;
	}

}
