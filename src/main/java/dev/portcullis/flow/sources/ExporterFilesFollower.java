package dev.portcullis.flow.sources;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import dev.portcullis.flow.sources.FlowSources.LeaseLost;
import dev.portcullis.flow.sources.FlowSources.Position;
import org.jspecify.annotations.Nullable;

/**
 * Follows a directory of Hubble exporter files ({@code hubble-export-file-path}, for example
 * {@code /var/run/cilium/hubble/events.log}): the active file, read as lines are appended, and its rotated backups
 * ({@code events-<time>.log}, and compressed {@code events-<time>.log.gz}), each read once, oldest first.
 * <p>
 * A file is known by its fingerprint, a SHA-256 of its first line, which stays the same when the exporter renames
 * the active file to a backup and when it compresses the backup, so that a line is read once whichever name it is
 * found under. Its position (bytes read, of the uncompressed content) is written in the same transaction as the
 * flows read up to it ({@link FlowSources#position}), so that a restart neither loses nor repeats a line. Only whole
 * lines of the active file are read (the exporter may be writing the last one); a backup is read to its end and then
 * marked done. A file whose first line is not complete yet is left for the next look.
 */
final class ExporterFilesFollower extends Follower {

	private final FlowIntake intake;

	private final SourceSettings settings;

	/** Fingerprints by path, valid while the file's key, size and modification time stay the same. */
	private final Map<Path, Known> fingerprints = new HashMap<>();

	private record Known(@Nullable Object key, long size, long modified, String fingerprint) {
	}

	ExporterFilesFollower(SourceRow source, FlowSources store, String owner, FlowIntake intake,
			SourceSettings settings) {
		super(source, store, owner);
		this.intake = intake;
		this.settings = settings;
	}

	@Override
	public void run() {
		Backoff backoff = new Backoff(this.settings.filesPoll(), this.settings.backoffMax());
		int failures = 0;
		String state = "";
		try {
			while (!stopped()) {
				try {
					Path directory = SourceForms.allowedDirectory(this.source.directory(), this.settings.fileRoots());
					if (!Files.isDirectory(directory)) {
						throw new IOException("the directory " + directory + " does not exist (or is not a directory)");
					}
					if (!state.equals("connected")) {
						if (!state("connected", null, null)) {
							return;
						}
						state = "connected";
					}
					pass(directory);
					failures = 0;
					if (!pause(this.settings.filesPoll())) {
						return;
					}
				}
				catch (IOException | RuntimeException ex) {
					if (ex instanceof LeaseLost || stopped()) {
						return;
					}
					failures++;
					java.time.Duration wait = backoff.delay(failures);
					String error = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
					warn(this.source, error);
					if (!state("retrying", error, Instant.now().plus(wait))) {
						return;
					}
					state = "retrying";
					if (!pause(wait)) {
						return;
					}
				}
			}
		}
		catch (LeaseLost ex) {
			// another instance follows it now
		}
	}

	/** One look at the directory: every backup not done, oldest first, then the active file. */
	void pass(Path directory) throws IOException {
		String active = this.source.fileName();
		int dot = active.lastIndexOf('.');
		String stem = (dot > 0) ? active.substring(0, dot) : active;
		String extension = (dot > 0) ? active.substring(dot) : "";
		List<Path> backups = new ArrayList<>();
		try (Stream<Path> files = Files.list(directory)) {
			files.forEach((p) -> {
				String name = p.getFileName().toString();
				String plain = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
				if (plain.startsWith(stem + "-") && plain.endsWith(extension) && Files.isRegularFile(p)) {
					backups.add(p);
				}
			});
		}
		// events-<time>.log before events-<time>.log.gz: the plain file is the one being compressed
		backups.sort(java.util.Comparator.comparing((Path p) -> p.getFileName().toString()));
		Map<String, Position> positions = new HashMap<>();
		for (Position position : this.store.positions(this.source.id()).collectList().block(STORE_TIMEOUT)) {
			positions.put(position.fingerprint(), position);
		}
		for (Path backup : backups) {
			read(backup, true, positions);
		}
		Path current = directory.resolve(active);
		if (Files.isRegularFile(current)) {
			read(current, false, positions);
		}
	}

	private void read(Path file, boolean complete, Map<String, Position> positions) throws IOException {
		boolean gzip = file.getFileName().toString().endsWith(".gz");
		String fingerprint = fingerprint(file, gzip, complete);
		if (fingerprint == null) {
			return;
		}
		Position known = positions.get(fingerprint);
		if (known != null && known.done()) {
			return;
		}
		long offset = (known != null) ? known.offset() : 0;
		long lineCount = (known != null) ? known.lines() : 0;
		String name = file.getFileName().toString();
		try (InputStream in = open(file, gzip)) {
			skip(in, offset);
			LineReader reader = new LineReader(in);
			List<String> lines = new ArrayList<>();
			long end = offset;
			boolean eof = false;
			while (!stopped()) {
				String line = reader.next(complete);
				if (line == null) {
					eof = true;
				}
				else {
					end += reader.lastBytes();
					if (!line.isBlank()) {
						lines.add(line);
					}
					lineCount++;
				}
				boolean done = eof && complete && !reader.truncated;
				if (lines.size() >= this.settings.batchSize() || (eof && (end > offset || done))) {
					Position next = new Position(fingerprint, name, end, lineCount, done);
					if (lines.isEmpty()) {
						this.store.position(this.source.id(), this.owner, next, 0).block(STORE_TIMEOUT);
					}
					else {
						List<String> batch = List.copyOf(lines);
						this.intake.store(this.source.workspaceId(), this.source.workspace(), false, batch,
								(stored) -> this.store.position(this.source.id(), this.owner, next, stored.flows()))
							.block(STORE_TIMEOUT);
					}
					positions.put(fingerprint, next);
					offset = end;
					lines.clear();
				}
				if (eof) {
					if (reader.truncated) {
						throw new IOException(name + " ends in the middle of its gzip data (still being written?)");
					}
					return;
				}
			}
		}
	}

	private static InputStream open(Path file, boolean gzip) throws IOException {
		InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
		return gzip ? new GZIPInputStream(in, 64 * 1024) : in;
	}

	private static void skip(InputStream in, long bytes) throws IOException {
		long left = bytes;
		while (left > 0) {
			long n = in.skip(left);
			if (n <= 0) {
				if (in.read() < 0) {
					throw new IOException("the file is shorter than the position read before");
				}
				n = 1;
			}
			left -= n;
		}
	}

	/** The SHA-256 of the file's first line, or null while it has no complete first line. */
	private @Nullable String fingerprint(Path file, boolean gzip, boolean complete) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
		Known known = this.fingerprints.get(file);
		if (known != null && known.size() == attributes.size()
				&& known.modified() == attributes.lastModifiedTime().toMillis()
				&& java.util.Objects.equals(known.key(), attributes.fileKey())) {
			return known.fingerprint();
		}
		byte[] first;
		try (InputStream in = open(file, gzip)) {
			LineReader reader = new LineReader(in);
			String line = reader.next(complete && !gzip);
			if (line == null) {
				return null;
			}
			first = line.getBytes(StandardCharsets.UTF_8);
		}
		catch (EOFException ex) {
			return null;
		}
		try {
			String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(first));
			this.fingerprints.put(file, new Known(attributes.fileKey(), attributes.size(),
					attributes.lastModifiedTime().toMillis(), fingerprint));
			return fingerprint;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Reads lines of UTF-8 bytes ending in '\n'. A last line without '\n' is a line only in a complete file; in the
	 * active file the exporter may still be writing it. A gzip stream that ends early sets {@link #truncated}.
	 */
	static final class LineReader {

		private final InputStream in;

		private byte[] buffer = new byte[8192];

		private int lastBytes;

		boolean truncated;

		LineReader(InputStream in) {
			this.in = in;
		}

		/** The next line (without its end), or null at the end; {@link #lastBytes()} says how many bytes it took. */
		@Nullable String next(boolean complete) throws IOException {
			int length = 0;
			while (true) {
				int b;
				try {
					b = this.in.read();
				}
				catch (EOFException ex) {
					this.truncated = true;
					return null;
				}
				if (b < 0) {
					if (length > 0 && complete) {
						this.lastBytes = length;
						return text(length);
					}
					return null;
				}
				if (b == '\n') {
					this.lastBytes = length + 1;
					return text(length);
				}
				if (length == this.buffer.length) {
					if (length >= 64 * 1024 * 1024) {
						throw new IOException("a line longer than 64 MiB");
					}
					this.buffer = java.util.Arrays.copyOf(this.buffer, length * 2);
				}
				this.buffer[length++] = (byte) b;
			}
		}

		int lastBytes() {
			return this.lastBytes;
		}

		private String text(int length) {
			int end = (length > 0 && this.buffer[length - 1] == '\r') ? length - 1 : length;
			return new String(this.buffer, 0, end, StandardCharsets.UTF_8);
		}

	}

}
