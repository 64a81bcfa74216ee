package dev.portcullis.engine.parse;

/**
 * A Cilium release line ({@code 1.19}) that validation warnings are tied to.
 */
public record CiliumVersion(int major, int minor) implements Comparable<CiliumVersion> {

	/** The version the engine's semantics follow when the caller names none. */
	public static final CiliumVersion DEFAULT = new CiliumVersion(1, 19);

	/**
	 * Parses {@code 1.19}, {@code v1.19}, {@code 1.19.4}; the patch level is ignored.
	 * @throws IllegalArgumentException quoting the text when it is not such a version
	 */
	public static CiliumVersion parse(String text) {
		throw new UnsupportedOperationException("TODO");
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
