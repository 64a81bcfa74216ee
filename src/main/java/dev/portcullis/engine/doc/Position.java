package dev.portcullis.engine.doc;

/**
 * Where a node starts in its source text: 1-based line and column. {@link #UNKNOWN} (0, 0) when the text
 * had no positions (for example a tree built in code).
 */
public record Position(int line, int column) {

	public static final Position UNKNOWN = new Position(0, 0);

}
