package dev.portcullis.review;

import java.util.Locale;

import dev.portcullis.replay.NamedStates;
import dev.portcullis.replay.ReplayState;
import dev.portcullis.web.ApiProblem;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The state an open change request would leave the workspace in, for replay ({@code "candidate": {"changeRequest":
 * 7}}, docs/adr/037): its latest revision's policies on top of the latest versions, its deletes gone
 * ({@link Merges#state}, the same state its page's impact and its expectations use). A closed change request is
 * refused: what a merged one did is in the versions it wrote (replay them with {@code {"at": ...}}).
 */
@Component
class ChangeRequestStates implements NamedStates {

	/** How many open change requests the replay page offers. */
	static final int OFFERED = 100;

	private final ChangeRequestRows rows;

	ChangeRequestStates(ChangeRequestRows rows) {
		this.rows = rows;
	}

	@Override
	public String kind() {
		return ReplayState.CHANGE_REQUEST;
	}

	@Override
	public Mono<Named> resolve(String workspace, @Nullable String argument) {
		long id;
		try {
			id = Long.parseLong(String.valueOf(argument));
		}
		catch (NumberFormatException ex) {
			return Mono.error(ChangeRequestRows.notFound(workspace, -1));
		}
		return this.rows.find(workspace, id, false).flatMap((change) -> {
			if (change.status().closed()) {
				return Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "change-request-closed",
						"Change request closed", "Change request " + id + " is "
								+ change.status().name().toLowerCase(Locale.ROOT) + "; only an open change request can"
								+ " be replayed (a merged one's versions are replayed with {\"at\": ...})."));
			}
			return this.rows.revisions(id).map((revisions) -> {
				Revision latest = revisions.get(revisions.size() - 1);
				return new Named(Merges.state(latest), "change request " + id + ", revision " + latest.revision()
						+ ": " + change.title());
			});
		});
	}

	@Override
	public Flux<Option> options(String workspace) {
		return this.rows.list(workspace, null, OFFERED)
			.filter((change) -> !change.status().closed())
			.map((change) -> new Option(Long.toString(change.id()), "#" + change.id() + " " + change.title()));
	}

}
