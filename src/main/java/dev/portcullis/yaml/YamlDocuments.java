package dev.portcullis.yaml;

import java.util.List;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.doc.Violations;

/**
 * What {@link YamlReader} read: one tree per document of the stream, and the problems found.
 * <p>
 * {@code documents} is index-aligned with {@link Violation#document()}: a document that could not be read (a
 * syntax error, a limit) is present as a null scalar, so the policy parser skips it while the other documents
 * keep their indexes. Reading stops at the first syntax error or exceeded limit; documents after it are absent.
 * Errors that do not stop reading (a duplicate key) leave a best-effort tree.
 */
public record YamlDocuments(List<Node> documents, List<Violation> violations) implements Violations {

	public YamlDocuments {
		documents = List.copyOf(documents);
		violations = List.copyOf(violations);
	}

}
