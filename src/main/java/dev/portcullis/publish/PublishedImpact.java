package dev.portcullis.publish;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.replay.ReplayReport;
import dev.portcullis.replay.ReplayRequest;
import dev.portcullis.replay.ReplayState;
import dev.portcullis.replay.Replays;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.PublicUrl;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * What a publication does to recent traffic, for the {@code portcullis/impact} commit status (docs/adr/045): the
 * stored flows of the last {@code portcullis.publish.forge.impact-window} (default 24 h) replayed ({@link Replays},
 * the replay API's own path) under the state last published to the same target ({@code {"published": target}};
 * nothing, when nothing was published there yet) and under the state this publication publishes
 * ({@code {"at": stateAt}}). FAILURE when a flow would be newly dropped or get another L7 answer, SUCCESS otherwise
 * (newly allowed flows are what a change usually wants); with no flows in the window SUCCESS saying so, since nothing
 * can be told; ERROR when the replay cannot run (too many flows, the engine busy), with the reason.
 */
@Component
@EnableConfigurationProperties(PublishedImpact.Settings.class)
class PublishedImpact {

	private static final Logger log = LoggerFactory.getLogger(PublishedImpact.class);

	private final Replays replays;

	private final Settings settings;

	private final PublicUrl publicUrl;

	PublishedImpact(Replays replays, Settings settings, PublicUrl publicUrl) {
		this.replays = replays;
		this.settings = settings;
		this.publicUrl = publicUrl;
	}

	/**
	 * The forge settings of this installation ({@code portcullis.publish.forge.*}, README "Publishing").
	 *
	 * A commit status links to the publication's page when {@code portcullis.public-url} ({@link PublicUrl}) is set,
	 * and carries no link otherwise.
	 *
	 * @param impactWindow how far back the flows replayed for the commit status reach (default 24h)
	 */
	@ConfigurationProperties("portcullis.publish.forge")
	record Settings(@DefaultValue("24h") Duration impactWindow) {

		Settings {
			if (impactWindow.isNegative() || impactWindow.isZero()) {
				throw new IllegalArgumentException("portcullis.publish.forge.impact-window must be positive");
			}
		}

	}

	/** The impact of publication {@code row}; never fails (a replay that cannot run is an ERROR impact). */
	Mono<Publication.Impact> of(PublicationRow row) {
		FlowFilter window = FlowFilter.fromParameters(Map.of("since",
				List.of(this.settings.impactWindow().toSeconds() + "s")));
		ReplayState candidate = ReplayState.of(StateChoice.at(row.stateAt()));
		String link = this.publicUrl.configured()
				? this.publicUrl.link("/workspaces/" + row.workspace() + "/publications/" + row.id()) : null;
		return this.replays
			.replay(row.workspace(), new ReplayRequest(window, ReplayState.published(row.targetName()), candidate))
			.onErrorResume(ApiProblem.class, (ex) -> "nothing-published".equals(ex.slug())
					// the first publication to the target: against nothing (the versions in force at 1970)
					? this.replays.replay(row.workspace(), new ReplayRequest(window,
							ReplayState.of(StateChoice.at(Instant.EPOCH)), candidate))
					: Mono.error(ex))
			.map((report) -> impact(report, hours(), link))
			.onErrorResume((ex) -> {
				log.info("publishing: the impact replay of publication {} could not run: {}", row.id(),
						ex.getMessage());
				String why = (ex instanceof ApiProblem problem) ? problem.getMessage() : "see the server log";
				return Mono.just(new Publication.Impact(Publication.Impact.Outcome.ERROR,
						"Replay could not run: " + why, link));
			});
	}

	private String hours() {
		long hours = this.settings.impactWindow().toHours();
		return (hours > 0) ? hours + " h" : this.settings.impactWindow().toMinutes() + " min";
	}

	/** The status a replay report makes. */
	static Publication.Impact impact(ReplayReport report, String window, @Nullable String link) {
		if (report.flows() == 0) {
			return new Publication.Impact(Publication.Impact.Outcome.SUCCESS,
					"No flows in the last " + window + " to replay: impact unknown.", link);
		}
		ReplayReport.Changed changed = report.changed();
		boolean worse = changed.newlyDropped() > 0 || changed.l7Changed() > 0;
		String text = String.format("Last %s: %,d newly dropped, %,d newly allowed, %,d L7 changed of %,d flows",
				window, changed.newlyDropped(), changed.newlyAllowed(), changed.l7Changed(), report.flows())
				+ ((report.uncertain() > 0) ? String.format(" (%,d uncertain)", report.uncertain()) : "") + ".";
		return new Publication.Impact(worse ? Publication.Impact.Outcome.FAILURE : Publication.Impact.Outcome.SUCCESS,
				text, link);
	}

}
