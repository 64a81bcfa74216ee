package dev.portcullis.flow;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import dev.portcullis.hubble.FlowReader;
import org.jspecify.annotations.Nullable;

/**
 * Cuts NDJSON into chunks of whole lines (about {@link #TARGET} bytes each) for parsing off the reading thread: the
 * input is read once, a buffer at a time, so memory stays bounded whatever its size. A line longer than
 * {@link FlowReader#MAX_LINE_BYTES} is skipped (its number reported in a chunk of its own); the last line may lack
 * its newline. Reading stops after {@code maxBytes}, and at a broken input (a truncated or corrupt gzip stream):
 * both end the input with {@link Chunk#stop}. An {@link Aborted} input (the client went away) is thrown.
 */
final class LineChunks implements AutoCloseable {

	static final int TARGET = 1024 * 1024;

	private final FlowIngest.Input input;

	private @Nullable InputStream in;

	private final long maxBytes;

	private byte[] buffer = new byte[TARGET * 2];

	private int end;

	private long read;

	private int line = 1;

	private boolean eof;

	private boolean done;

	/**
	 * Whole lines {@code bytes[0, length)} starting at line {@code firstLine}, {@code lines} of them; or, when
	 * {@code tooLong} is set, line {@code firstLine} that was too long (no bytes); or the end of the input (no
	 * lines), with {@code stop} saying why it ended early (null: it just ended) and {@code firstLine} the number of
	 * the last line read (1 when none was), so that a stop is reported on a line that exists.
	 */
	record Chunk(byte[] bytes, int length, int firstLine, int lines, boolean tooLong, @Nullable String stop) {
	}

	/** The input failed for a reason that is not the input's content (the client disconnected). */
	static final class Aborted extends IOException {

		Aborted(IOException cause) {
			super(cause.getMessage(), cause);
		}

	}

	LineChunks(FlowIngest.Input input, long maxBytes) {
		this.input = input;
		this.maxBytes = maxBytes;
	}

	/** The next chunk, null after the last. */
	@Nullable Chunk next() throws IOException {
		if (this.done) {
			return null;
		}
		while (true) {
			int cut = lastNewline(this.end >= TARGET || this.eof);
			if (cut >= 0) {
				return chunk(cut + 1);
			}
			if (this.end > FlowReader.MAX_LINE_BYTES) {
				return skipLongLine();
			}
			if (this.eof) {
				if (this.end > 0) {
					return chunk(this.end);
				}
				this.done = true;
				return new Chunk(new byte[0], 0, Math.max(1, this.line - 1), 0, false, this.stop);
			}
			fill();
		}
	}

	private @Nullable String stop;

	private int lastNewline(boolean any) {
		if (!any) {
			return -1;
		}
		for (int i = this.end - 1; i >= 0; i--) {
			if (this.buffer[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

	private Chunk chunk(int length) {
		byte[] bytes = Arrays.copyOf(this.buffer, length);
		System.arraycopy(this.buffer, length, this.buffer, 0, this.end - length);
		this.end -= length;
		int lines = 0;
		for (int i = 0; i < length; i++) {
			if (bytes[i] == '\n') {
				lines++;
			}
		}
		if (length > 0 && bytes[length - 1] != '\n') {
			lines++;
		}
		Chunk chunk = new Chunk(bytes, length, this.line, lines, false, null);
		this.line += lines;
		return chunk;
	}

	@Override
	public void close() throws IOException {
		if (this.in != null) {
			this.in.close();
		}
	}

	private Chunk skipLongLine() throws IOException {
		int number = this.line;
		while (true) {
			for (int i = 0; i < this.end; i++) {
				if (this.buffer[i] == '\n') {
					System.arraycopy(this.buffer, i + 1, this.buffer, 0, this.end - i - 1);
					this.end -= i + 1;
					this.line++;
					return new Chunk(new byte[0], 0, number, 1, true, null);
				}
			}
			this.end = 0;
			if (this.eof) {
				this.line++;
				return new Chunk(new byte[0], 0, number, 1, true, null);
			}
			fill();
		}
	}

	private int countNewlines() {
		int lines = 0;
		for (int i = 0; i < this.end; i++) {
			if (this.buffer[i] == '\n') {
				lines++;
			}
		}
		return lines + ((this.end > 0 && this.buffer[this.end - 1] != '\n') ? 1 : 0);
	}

	private void fill() throws IOException {
		if (this.end == this.buffer.length) {
			this.buffer = Arrays.copyOf(this.buffer, this.buffer.length * 2);
		}
		long room = this.maxBytes - this.read;
		if (room <= 0) {
			this.eof = true;
			this.stop = "the upload is larger than the maximum of " + this.maxBytes
					+ " bytes (portcullis.flows.max-upload-size); the rest was not read";
			return;
		}
		int n;
		try {
			if (this.in == null) {
				this.in = this.input.open();
			}
			n = this.in.read(this.buffer, this.end, (int) Math.min(this.buffer.length - this.end, room));
		}
		catch (Aborted ex) {
			throw ex;
		}
		catch (IOException ex) {
			this.eof = true;
			boolean compressed = ex instanceof java.io.EOFException || ex instanceof java.util.zip.ZipException;
			this.stop = (compressed ? "the compressed data ends early" : "the input ends early") + " after line "
					+ Math.max(1, this.line - 1 + countNewlines()) + " (" + ex.getClass().getSimpleName()
					+ ((ex.getMessage() != null) ? ": " + ex.getMessage() : "") + "); the rest was not read";
			return;
		}
		if (n < 0) {
			this.eof = true;
			return;
		}
		this.end += n;
		this.read += n;
	}

}
