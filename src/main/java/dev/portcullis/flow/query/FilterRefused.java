package dev.portcullis.flow.query;

/**
 * A filter that cannot be read: the parameter it came from ({@code from_pod}, or {@code q} for a flag line), the
 * 1-based column in the flag line (0 for a query parameter) and a message that quotes the bad text and says what
 * is allowed.
 */
public class FilterRefused extends IllegalArgumentException {

	private final String parameter;

	private final int column;

	public FilterRefused(String parameter, int column, String message) {
		super(message);
		this.parameter = parameter;
		this.column = column;
	}

	public String parameter() {
		return this.parameter;
	}

	public int column() {
		return this.column;
	}

}
