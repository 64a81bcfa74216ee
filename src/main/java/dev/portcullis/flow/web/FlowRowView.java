package dev.portcullis.flow.web;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.flow.query.DecidedBy;
import dev.portcullis.flow.query.FlowSummary;
import dev.portcullis.flow.query.StoredRow;
import org.jspecify.annotations.Nullable;

/**
 * One row of the flow table.
 *
 * @param token the row's cursor (it names the flow in detail links)
 * @param time ISO-8601
 * @param summary the Hubble UI columns
 * @param decidedBy the deciding policies and versions, "no policy" when none took part (not enforced, a reply), or
 *        why no decision was made ("" when the flow was not decided)
 * @param decidedVerdict the engine's verdict under the policies then with its one-line reason, or ""
 */
record FlowRowView(String token, String time, FlowSummary summary, String decidedBy, String decidedVerdict) {

	static FlowRowView of(StoredRow row, @Nullable DecidedBy decided) {
		String by = "";
		String verdict = "";
		if (decided != null) {
			String policies = decided.policiesText();
			if (decided.error() != null) {
				by = "— (" + decided.error() + ")";
			}
			else {
				by = policies.isEmpty() ? "no policy" : policies;
			}
			String why = (decided.summary() != null) ? decided.summary() : decided.verdict();
			verdict = (why != null) ? why : "";
		}
		return new FlowRowView(row.cursor().token(), row.time().toString(), FlowSummary.of(row.facts()), by, verdict);
	}

	/** The time's date part, {@code 2021-10-04} (the table shows date and clock on two lines, the full time as title). */
	public String date() {
		int t = this.time.indexOf('T');
		return (t < 0) ? this.time : this.time.substring(0, t);
	}

	/**
	 * The time's clock part to the millisecond, {@code 14:28:38.735Z} (flows.js's {@code clock} cuts it the same
	 * way).
	 */
	public String clock() {
		int t = this.time.indexOf('T');
		return (t < 0) ? "" : this.time.substring(t + 1).replaceFirst("(\\.\\d{3})\\d+", "$1");
	}

	/** The source as {@link #wrapPoints} cuts it. */
	public List<String> sourceParts() {
		return wrapPoints(this.summary.source());
	}

	/** The destination as {@link #wrapPoints} cuts it. */
	public List<String> destinationParts() {
		return wrapPoints(this.summary.destination());
	}

	/**
	 * An endpoint's name cut after each {@code /} and {@code -}, where the table may wrap it (a {@code <wbr>} between
	 * the parts): {@code bookinfo/productpage-v1-6b746f74dc-x2x4z} is {@code bookinfo/}, {@code productpage-},
	 * {@code v1-}, {@code 6b746f74dc-}, {@code x2x4z}. The parts joined are the name; a name without either is one
	 * part ({@code ""} too). flows.js's {@code appendWrappable} cuts the live tail's rows the same way.
	 */
	static List<String> wrapPoints(String name) {
		List<String> parts = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if ((c == '/' || c == '-') && i + 1 < name.length()) {
				parts.add(name.substring(start, i + 1));
				start = i + 1;
			}
		}
		parts.add(name.substring(start));
		return parts;
	}

	/** The verdict's CSS modifier: forwarded, dropped, audit, other. */
	public String verdictClass() {
		return switch (this.summary.verdict()) {
			case "FORWARDED", "REDIRECTED", "TRANSLATED", "TRACED" -> "verdict-forwarded";
			case "DROPPED", "ERROR" -> "verdict-dropped";
			case "AUDIT" -> "verdict-audit";
			default -> "verdict-other";
		};
	}

}
