package dev.portcullis.flow.sources;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

import dev.portcullis.flow.FlowIngest;
import dev.portcullis.flow.Source;
import dev.portcullis.identity.Actor;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * {@link FlowIntake} over the flow store's one ingest path, {@link FlowIngest}: a batch of lines becomes one NDJSON
 * input, ingested as the system actor; the source's bookkeeping joins the ingest's transaction (R2DBC transactions
 * propagate through the subscriber context), so that flows and cursor or position commit together.
 */
@Component
class StoreIntake implements FlowIntake {

	private final FlowIngest ingest;

	private final TransactionalOperator transaction;

	StoreIntake(FlowIngest ingest, ReactiveTransactionManager transactions) {
		this.ingest = ingest;
		this.transaction = TransactionalOperator.create(transactions);
	}

	@Override
	public Mono<Stored> store(long workspaceId, String workspace, boolean relay, List<String> lines,
			Function<Stored, Mono<Void>> alsoWrite) {
		byte[] ndjson = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
		Mono<Stored> work = this.ingest
			.ingest(workspace, () -> new ByteArrayInputStream(ndjson), relay ? Source.RELAY : Source.FILE, Actor.SYSTEM,
					null)
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("the workspace " + workspace + " is gone")))
			.map((report) -> new Stored(report.accepted(), report.flows(), report.rejectedCount(), report.ignored()))
			.flatMap((stored) -> alsoWrite.apply(stored).thenReturn(stored));
		return this.transaction.transactional(work);
	}

}
