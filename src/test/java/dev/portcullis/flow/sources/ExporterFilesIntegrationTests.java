package dev.portcullis.flow.sources;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static dev.portcullis.flow.sources.RelaySourceIntegrationTests.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exporter files end to end with the real Hubble exports as content: lines appended (a half line left for later),
 * the active file rotated to a backup and the backup compressed as Hubble's exporter does, a restart of the
 * follower in the middle: every line stored exactly once.
 */
@FollowingSources
class ExporterFilesIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	private DatabaseClient db;

	@Autowired
	private SourceRunner runner;

	@Test
	void appendedRotatedAndCompressedLinesShouldEachBeStoredOnceAcrossARestart() throws Exception {
		List<String> lines = ObserverCodecTests.corpusLines().stream().distinct().toList().subList(0, 600);
		String ws = "files-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		Path dir = Path.of(System.getProperty("java.io.tmpdir"), "portcullis-exporter-tests", ws);
		Files.createDirectories(dir);
		Path active = dir.resolve("events.log");
		// a backup that was there before the source was set: read once
		Path old = dir.resolve("events-2026-12-04T23-00-00.000.log.gz");
		gzip(old, lines.subList(0, 50));
		append(active, lines.subList(50, 150));
		// half of line 150 is written, the rest comes later
		String half = lines.get(150).substring(0, 40);
		Files.writeString(active, half, StandardOpenOption.APPEND);
		put(ws, JSON.writeValueAsString(Map.of("files", Map.of("directory", dir.toString(), "fileName", "events.log"))));
		await(() -> stored(ws) == 150, "the backup and the whole lines of the active file");
		Thread.sleep(600);
		assertThat(stored(ws)).isEqualTo(150);
		assertThat(status(ws).get("files").get("status").get("state").asString()).isEqualTo("connected");

		Files.writeString(active, lines.get(150).substring(40) + "\n", StandardOpenOption.APPEND);
		append(active, lines.subList(151, 250));
		await(() -> stored(ws) == 250, "appended lines");

		// the follower stops (as at a restart of Portcullis) while the exporter goes on: more lines, a rotation,
		// the rotated file compressed, and a new active file
		this.runner.stop();
		append(active, lines.subList(250, 300));
		Path rotated = dir.resolve("events-2026-12-05T00-00-00.000.log");
		Files.move(active, rotated);
		append(active, lines.subList(300, 400));
		this.runner.start();
		await(() -> stored(ws) == 400, "the rest of the rotated file and the new active file");
		gzip(dir.resolve("events-2026-12-05T00-00-00.000.log.gz"), Files.readAllLines(rotated));
		Files.delete(rotated);
		append(active, lines.subList(400, 600));
		await(() -> stored(ws) == 600, "the compressed backup is not read again; new lines are");
		Thread.sleep(1000);
		assertThat(stored(ws)).isEqualTo(600);
		assertThat(distinct(ws)).isEqualTo(600);
		put(ws, "{}");
	}

	private static void append(Path file, List<String> lines) throws Exception {
		Files.writeString(file, String.join("\n", lines) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	private static void gzip(Path file, List<String> lines) throws Exception {
		Path partial = file.resolveSibling(file.getFileName() + ".tmp");
		try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(partial))) {
			out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
		}
		Files.move(partial, file);
	}

	private void put(String ws, String body) {
		as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body).exchange().expectStatus().isOk();
	}

	private JsonNode status(String ws) {
		byte[] body = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + ws + "/flow-sources").exchange()
			.expectStatus().isOk().expectBody().returnResult().getResponseBody();
		return JSON.readTree(body);
	}

	private long stored(String ws) {
		return this.db.sql("SELECT count(*) AS n FROM flow f JOIN workspace w ON w.id = f.workspace_id WHERE w.name = :ws")
			.bind("ws", ws).map((row) -> row.get("n", Long.class)).one().block();
	}

	private long distinct(String ws) {
		return this.db.sql("SELECT count(DISTINCT md5(f.flow::text)) AS n FROM flow f JOIN workspace w"
				+ " ON w.id = f.workspace_id WHERE w.name = :ws")
			.bind("ws", ws).map((row) -> row.get("n", Long.class)).one().block();
	}

}
