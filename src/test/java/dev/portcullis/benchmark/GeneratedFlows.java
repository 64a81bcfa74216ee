package dev.portcullis.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NDJSON made on the fly from the real Hubble exports in {@code src/test/resources/flows} (every line of every file
 * in turn), each flow's time rewritten so that {@code count} flows spread evenly over {@code span} ending at
 * {@code end}, newest last: an input of any size that never exists in memory as a whole.
 */
public final class GeneratedFlows extends InputStream {

	private static final String[] FILES = { "basic-sample-10-flows.json", "basic-sample-330-dns-flows.json",
			"basic-sample-348-http-flows.json", "basic-sample-400-icmpv4-flows.json",
			"basic-sample-400-l7-redirected-flows.json", "basic-sample-400-tcp-flows.json",
			"basic-sample-400-udp-flows.json", "basic-sample-5-dns-flows.json", "basic-sample-5-http-flows.json" };

	private static final Pattern TIME = Pattern.compile("\"time\":\"[^\"]+\"");

	/** Each corpus line cut where its times go. */
	private static final List<byte[][]> LINES = load();

	private final long count;

	private final Instant start;

	private final long stepNanos;

	private long next;

	private byte[] block = new byte[0];

	private int at;

	private long second = Long.MIN_VALUE;

	private byte[] prefix = new byte[0];

	public GeneratedFlows(long count, Instant end, Duration span) {
		this.count = count;
		this.start = end.minus(span);
		this.stepNanos = Math.max(1, span.toNanos() / Math.max(1, count));
	}

	/** How many bytes {@code count} flows take (by generating them). */
	public static long size(long count) {
		long size = 0;
		for (long i = 0; i < count; i++) {
			byte[][] parts = LINES.get((int) (i % LINES.size()));
			for (byte[] part : parts) {
				size += part.length;
			}
			size += (long) (parts.length - 1) * 39 + 1;
		}
		return size;
	}

	private static List<byte[][]> load() {
		List<byte[][]> lines = new ArrayList<>();
		for (String file : FILES) {
			try (InputStream in = GeneratedFlows.class.getResourceAsStream("/flows/" + file)) {
				for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
					if (line.isBlank()) {
						continue;
					}
					Matcher m = TIME.matcher(line);
					List<byte[]> parts = new ArrayList<>();
					int from = 0;
					while (m.find()) {
						parts.add(line.substring(from, m.start()).getBytes(StandardCharsets.UTF_8));
						from = m.end();
					}
					parts.add(line.substring(from).getBytes(StandardCharsets.UTF_8));
					lines.add(parts.toArray(new byte[0][]));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return lines;
	}

	/** The lines of the corpus. */
	public static int corpusLines() {
		return LINES.size();
	}

	private boolean refill() {
		if (this.next >= this.count) {
			return false;
		}
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(72 * 1024);
		while (this.next < this.count && out.size() < 64 * 1024) {
			byte[][] parts = LINES.get((int) (this.next % LINES.size()));
			Instant time = this.start.plusNanos(this.stepNanos * this.next);
			// "time":"2026-12-04T10:00:00.123456789Z"
			long second = time.getEpochSecond();
			if (second != this.second) {
				this.second = second;
				this.prefix = ("\"time\":\"" + java.time.LocalDateTime.ofEpochSecond(second, 0, java.time.ZoneOffset.UTC)
					.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")) + ".")
					.getBytes(StandardCharsets.US_ASCII);
			}
			byte[] stamp = new byte[this.prefix.length + 11];
			System.arraycopy(this.prefix, 0, stamp, 0, this.prefix.length);
			int nano = time.getNano();
			for (int d = 8; d >= 0; d--) {
				stamp[this.prefix.length + d] = (byte) ('0' + nano % 10);
				nano /= 10;
			}
			stamp[stamp.length - 2] = 'Z';
			stamp[stamp.length - 1] = '"';
			for (int p = 0; p < parts.length; p++) {
				if (p > 0) {
					out.write(stamp, 0, stamp.length);
				}
				out.write(parts[p], 0, parts[p].length);
			}
			out.write('\n');
			this.next++;
		}
		this.block = out.toByteArray();
		this.at = 0;
		return true;
	}

	@Override
	public int read() {
		if (this.at >= this.block.length && !refill()) {
			return -1;
		}
		return this.block[this.at++] & 0xff;
	}

	@Override
	public int read(byte[] b, int off, int len) {
		if (len == 0) {
			return 0;
		}
		if (this.at >= this.block.length && !refill()) {
			return -1;
		}
		int n = Math.min(len, this.block.length - this.at);
		System.arraycopy(this.block, this.at, b, off, n);
		this.at += n;
		return n;
	}

}
