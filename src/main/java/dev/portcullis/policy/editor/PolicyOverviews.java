package dev.portcullis.policy.editor;

import java.util.List;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.describe.PolicyDescription;
import dev.portcullis.engine.describe.PolicyGraph;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlProperties;
import dev.portcullis.yaml.YamlReader;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * What a stored policy does, for its page: the plain-language summary and the policy graph as inline SVG, worked
 * out on the {@link EnginePool}. A page is never refused for want of it: a text that no longer passes validation,
 * or a full pool, gives {@link Overview#NONE} and the page shows the policy without it.
 */
@Component
public class PolicyOverviews {

	private final EnginePool engine;

	private final YamlProperties yaml;

	PolicyOverviews(EnginePool engine, YamlProperties yaml) {
		this.engine = engine;
		this.yaml = yaml;
	}

	/**
	 * A policy's summary and graph.
	 *
	 * @param summary its sentences ({@link PolicyDescription}); empty when there is none
	 * @param svg the graph ({@link GraphSvg}: escaped, no script or style, named "Policy graph", the summary as its
	 *        description); "" when there is none
	 */
	public record Overview(List<String> summary, String svg) {

		public static final Overview NONE = new Overview(List.of(), "");

		public Overview {
			summary = List.copyOf(summary);
		}

		public boolean isEmpty() {
			return this.svg.isEmpty();
		}

	}

	/** The overview of {@code text} (one or more policy documents). */
	public Mono<Overview> of(String text) {
		if (text.isBlank()) {
			return Mono.just(Overview.NONE);
		}
		return this.engine.run(() -> {
			YamlDocuments documents = YamlReader.read(text, this.yaml.limits());
			ParseResult parsed = documents.hasErrors() ? null : PolicyParser.parse(documents.documents());
			if (parsed == null || parsed.hasErrors() || parsed.policies().isEmpty()) {
				return Overview.NONE;
			}
			List<String> summary = PolicyDescription.of(parsed.policies()).stream()
				.flatMap((description) -> description.summary().stream())
				.toList();
			return new Overview(summary, GraphSvg.render(PolicyGraph.of(parsed.policies()), String.join(" ", summary)));
		}).onErrorResume(EngineBusy.class, (busy) -> Mono.just(Overview.NONE));
	}

}
