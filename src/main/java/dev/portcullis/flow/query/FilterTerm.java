package dev.portcullis.flow.query;

/**
 * One flag with one value, as the user gave it: {@code --from-pod default/xwing}, or with {@code negated}
 * {@code --not --verdict DROPPED}. The value is checked when the term is made.
 */
public record FilterTerm(Flag flag, String value, boolean negated) {

	/** The term as a {@code hubble observe} argument list, {@code --not --verdict DROPPED}. */
	String toArguments() {
		return (this.negated ? "--not " : "") + "--" + this.flag.flag() + " " + FlagLine.quote(this.value);
	}

}
