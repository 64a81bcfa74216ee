package dev.portcullis.flow.query;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ways a stored flow is written out: as a {@code hubble observe -o json} line (the flow object as imported in
 * {@code {"flow": ..., "node_name": ..., "time": ...}}, re-importable), the same with Portcullis's
 * {@code "portcullis"} member for the API's pages, and as a CSV row of the viewer's columns.
 */
public final class FlowOutput {

	/** The CSV columns, in order. */
	public static final List<String> CSV_HEADER = List.of("time", "source", "destination", "port", "protocol", "l7",
			"verdict", "drop_reason", "traffic_direction", "node", "decided_by");

	private FlowOutput() {
	}

	/** The flow as one {@code hubble observe -o json} line, without the line end. */
	public static String hubbleLine(StoredRow row, JsonMapper json) {
		return "{\"flow\":" + row.json() + ",\"node_name\":" + json.writeValueAsString(row.nodeName()) + ",\"time\":\""
				+ row.time() + "\"}";
	}

	/** The flow as the API's pages list it: the Hubble line plus {@code "portcullis": {...}}. */
	public static String apiObject(StoredRow row, @Nullable DecidedBy decided, JsonMapper json) {
		String line = hubbleLine(row, json);
		Map<String, Object> portcullis = new java.util.LinkedHashMap<>();
		portcullis.put("id", row.id());
		portcullis.put("cursor", row.cursor().token());
		portcullis.put("decided_by", decided);
		return line.substring(0, line.length() - 1) + ",\"portcullis\":" + json.writeValueAsString(portcullis) + "}";
	}

	/** The CSV header line (with its CRLF). */
	public static String csvHeader() {
		return csv(CSV_HEADER);
	}

	/** The flow as one CSV line (with its CRLF). */
	public static String csvRow(StoredRow row, @Nullable DecidedBy decided) {
		FlowSummary summary = FlowSummary.of(row.facts());
		return csv(List.of(row.time().toString(), summary.source(), summary.destination(), summary.port(),
				summary.protocol(), summary.l7(), summary.verdict(), summary.dropReason(), summary.direction(),
				(row.nodeName() != null) ? row.nodeName() : "", (decided != null) ? decided.policiesText() : ""));
	}

	private static String csv(List<String> values) {
		StringWriter out = new StringWriter();
		try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180)) {
			printer.printRecord(values);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toString();
	}

}
