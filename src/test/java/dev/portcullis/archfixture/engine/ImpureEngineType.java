package dev.portcullis.archfixture.engine;

import reactor.core.publisher.Mono;

/** Breaks the engine's purity: it uses a library outside java.*, RE2J and JSpecify. */
public class ImpureEngineType {

	Mono<String> later() {
		return Mono.just("reactive");
	}

}
