package dev.portcullis.policy;

/** Counts in sentences for people: "1 problem", "2 problems", never "2 problem(s)". */
final class Words {

	private Words() {
	}

	/** {@code n} and the noun in the number that agrees with it: {@code count(1, "object", "objects")} is "1 object". */
	static String count(long n, String singular, String plural) {
		return n + " " + ((n == 1) ? singular : plural);
	}

}
