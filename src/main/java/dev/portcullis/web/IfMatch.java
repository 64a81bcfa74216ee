package dev.portcullis.web;

/** The {@code If-Match} header of a change to a numbered resource (a policy's version, a change request's revision). */
public final class IfMatch {

	private IfMatch() {
	}

	/**
	 * The number a strong {@code If-Match} names: {@code "3"} (or {@code 3}); 400 {@code /problems/invalid-precondition}
	 * when it is not a positive whole number.
	 *
	 * @param what what the number counts ({@code version}), as the refusal names it
	 * @param example a number the refusal shows as an example
	 */
	public static int number(String ifMatch, String what, int example) {
		String v = ifMatch.strip();
		if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
			v = v.substring(1, v.length() - 1);
		}
		try {
			int n = Integer.parseInt(v);
			if (n >= 1) {
				return n;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw ApiProblem.badRequest("invalid-precondition", "Invalid precondition", "If-Match must be the ETag of the "
				+ what + " your change is based on, for example \"" + example + "\", not " + Quoted.of(ifMatch) + ".");
	}

}
