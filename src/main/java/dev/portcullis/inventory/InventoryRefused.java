package dev.portcullis.inventory;

import java.util.List;

import dev.portcullis.engine.doc.Violation;

/** The import was refused: the text had errors (each with document, path, line and column); nothing was written. */
class InventoryRefused extends RuntimeException {

	private final List<Violation> errors;

	InventoryRefused(List<Violation> errors) {
		super(errors.size() + ((errors.size() == 1) ? " problem" : " problems")
				+ " in the inventory; nothing was imported.");
		this.errors = List.copyOf(errors);
	}

	List<Violation> errors() {
		return this.errors;
	}

}
