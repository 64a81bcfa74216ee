package dev.portcullis.review;

/** A change request's number as a path or form gives it: a whole number from 1, surrounding blanks ignored. */
final class ChangeRequestNumber {

	private ChangeRequestNumber() {
	}

	/** The number {@code text} holds, or 0 when it holds none from 1 (the callers refuse it their own way). */
	static long parse(String text) {
		try {
			long n = Long.parseLong(text.strip());
			return (n >= 1) ? n : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
