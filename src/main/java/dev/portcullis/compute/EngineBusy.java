package dev.portcullis.compute;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@link EnginePool} is full: every thread is busy and the queue holds as much as it may. The request can be
 * repeated after {@link #retryAfter()}; the API answers 429 {@code /problems/engine-busy} with {@code Retry-After},
 * pages say so next to the form.
 */
public class EngineBusy extends ResponseStatusException {

	private final Duration retryAfter;

	EngineBusy(Duration retryAfter) {
		super(HttpStatus.TOO_MANY_REQUESTS, "The server is busy with other policy work; try again in "
				+ retryAfterSeconds(retryAfter) + " second(s).");
		this.retryAfter = retryAfter;
	}

	public Duration retryAfter() {
		return this.retryAfter;
	}

	/** {@link #retryAfter()} in whole seconds, at least 1: the value of {@code Retry-After}. */
	public long retryAfterSeconds() {
		return retryAfterSeconds(this.retryAfter);
	}

	private static long retryAfterSeconds(Duration retryAfter) {
		return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds()));
		return headers;
	}

	@Override
	public synchronized Throwable fillInStackTrace() {
		return this;
	}

}
