package dev.portcullis.engine.doc;

import java.util.List;

/**
 * A result that carries the violations found while reading something (policies, flows, an inventory, YAML text):
 * errors refuse what was read, warnings do not. Implemented by the readers' result records.
 */
public interface Violations {

	/** Every violation found, errors and warnings, in the order they were found. */
	List<Violation> violations();

	/** Whether any violation is an error. */
	default boolean hasErrors() {
		for (Violation violation : violations()) {
			if (violation.isError()) {
				return true;
			}
		}
		return false;
	}

	/** The errors, in order. */
	default List<Violation> errors() {
		return violations().stream().filter(Violation::isError).toList();
	}

	/** The warnings, in order. */
	default List<Violation> warnings() {
		return violations().stream().filter((violation) -> !violation.isError()).toList();
	}

}
