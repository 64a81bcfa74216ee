package dev.portcullis.flow;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.portcullis.benchmark.GeneratedFlows;

import org.springframework.util.unit.DataSize;

/**
 * The ingest's JVM side alone (issue 12): {@link FlowIngest.Run#parse} (read each line, encode its row for the
 * binary COPY, gather edges) over {@code bench.flows} flows (default 100,000) made by {@link GeneratedFlows} and
 * cut into chunks as an upload is, without HTTP or PostgreSQL. Reports the parsing thread's CPU per 1,000 flows for
 * each of {@code bench.rounds} rounds (default 7) and the best: thread CPU time moves far less with a shared
 * machine's load than wall time. Not a test.
 * <pre>
 * mvn -Dfrontend.skip=true test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.portcullis.flow.FlowChunkParseBenchmark
 * </pre>
 */
public final class FlowChunkParseBenchmark {

	private FlowChunkParseBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int flows = Integer.getInteger("bench.flows", 100_000);
		int rounds = Integer.getInteger("bench.rounds", 7);
		// a fixed end, so that two builds parse the same bytes and their outputs can be compared by the CRC
		byte[] input = new GeneratedFlows(flows, Instant.parse("2026-01-01T00:00:00Z"), Duration.ofHours(6))
			.readAllBytes();
		FlowSettings settings = new FlowSettings(DataSize.ofGigabytes(16), Duration.ofHours(1), 62, 8, 30,
				Duration.ofHours(1));
		List<LineChunks.Chunk> chunks = new ArrayList<>();
		try (LineChunks lines = new LineChunks(() -> new ByteArrayInputStream(input), Long.MAX_VALUE)) {
			for (LineChunks.Chunk chunk = lines.next(); chunk != null; chunk = lines.next()) {
				chunks.add(chunk);
			}
		}
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		double best = Double.MAX_VALUE;
		long sink = 0;
		java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		for (int round = 0; round <= rounds; round++) {
			FlowIngest.Run run = new FlowIngest.Run(1, "bench", "default", Source.UPLOAD);
			long cpu = threads.getCurrentThreadCpuTime();
			for (LineChunks.Chunk chunk : chunks) {
				FlowIngest.Batch batch = run.parse(chunk, settings);
				sink += batch.length();
				if (round == 0) {
					crc.update(batch.copy(), 0, batch.length());
				}
			}
			double ms = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 * 1000 / flows;
			if (run.accepted != flows) {
				throw new IllegalStateException(run.accepted + " of " + flows + " accepted: " + run.report());
			}
			if (round > 0) {
				best = Math.min(best, ms);
			}
			System.out.printf(Locale.ROOT, "%s %d: %.2f ms of CPU per 1,000 flows%n",
					(round == 0) ? "warm-up" : "round", round, ms);
		}
		System.out.printf(Locale.ROOT, "best: %.2f ms of CPU per 1,000 flows (%,d bytes of COPY written, CRC-32 of "
				+ "the first round's %08x)%n", best, sink, crc.getValue());
	}

}
