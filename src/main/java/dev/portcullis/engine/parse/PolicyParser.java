package dev.portcullis.engine.parse;

import java.util.List;

import dev.portcullis.engine.doc.Node;

/**
 * Reads CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy and NetworkPolicy documents (and {@code kind: List}
 * documents holding them) and validates them as the CRD schema and Cilium's agent do, reporting every problem
 * at once with its document, path, line and column.
 */
public final class PolicyParser {

	private PolicyParser() {
	}

	/**
	 * Parses documents.
	 * @param documents one tree per document of the input stream, in order
	 * @param target the Cilium version that warnings about removed or missing features refer to
	 */
	public static ParseResult parse(List<Node> documents, CiliumVersion target) {
		throw new UnsupportedOperationException("TODO");
	}

}
