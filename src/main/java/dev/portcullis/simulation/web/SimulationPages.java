package dev.portcullis.simulation.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.inventory.Inventories;
import dev.portcullis.policy.StoreException;
import dev.portcullis.simulation.Simulations;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.web.Htmx;
import dev.portcullis.web.PageError;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * What the simulation pages share: the model attributes {@code wsHref} (the workspace page's URL) and
 * {@code canWrite} (whether to offer saving expectations; the server checks the role again), the pickers of a
 * workspace, and how a page answers a full request and an htmx request.
 */
@ControllerAdvice(basePackageClasses = SimulationPages.class)
class SimulationPages {

	private final Simulations simulations;

	private final Inventories inventories;

	SimulationPages(Simulations simulations, Inventories inventories) {
		this.simulations = simulations;
		this.inventories = inventories;
	}

	@ModelAttribute("wsHref")
	String wsHrefAttribute(@PathVariable(name = "workspace", required = false) String workspace) {
		return (workspace != null) ? wsHref(workspace) : "/workspaces";
	}

	@ModelAttribute("canWrite")
	Mono<Boolean> canWrite(ServerWebExchange exchange) {
		return Actor.current(exchange).map((actor) -> actor.has(Role.AUTHOR));
	}

	/**
	 * The pickers of the workspace's latest state and inventory; the 404 page for an unknown workspace. A busy
	 * engine leaves the pickers empty rather than failing the page.
	 */
	Mono<Pickers> pickers(String workspace) {
		return this.simulations.scenario(workspace, StateChoice.LATEST)
			.zipWith(this.inventories.at(workspace, Instant.now()).map(java.util.Optional::of)
				.defaultIfEmpty(java.util.Optional.empty()))
			.map((found) -> Pickers.of(found.getT1().policies(), found.getT2().orElse(null)))
			.onErrorResume(EngineBusy.class, (ex) -> Mono.just(Pickers.NONE))
			.onErrorMap(StoreException.NotFound.class,
					(ex) -> new PageError(HttpStatus.NOT_FOUND, "There is no workspace named \"" + workspace + "\"."));
	}

	/**
	 * The page {@code simulation/<name>} with a form: the workspace's pickers, the form, its field errors, and under
	 * {@code <name>} the answer once the form was submitted (null before, or when the answer refused it). For an
	 * htmx request the fragment {@code <name>}; 422 when {@code answer} left field errors in {@code errors}.
	 */
	<T> Mono<Rendering> formPage(ServerWebExchange exchange, String workspace, String name, Object form,
			boolean submitted, Map<String, String> errors, Supplier<Mono<Optional<T>>> answer) {
		return pickers(workspace).flatMap((pickers) -> (submitted ? answer.get() : Mono.just(Optional.<T>empty()))
			.map((found) -> view(exchange, "simulation/" + name, name)
				.status(errors.isEmpty() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY)
				.modelAttribute("workspace", workspace)
				.modelAttribute("pickers", pickers)
				.modelAttribute("form", form)
				.modelAttribute("errors", errors)
				.modelAttribute(name, found.orElse(null))
				.build()));
	}

	/** The whole template, or for an htmx request one fragment of it; either way the response varies on HX-Request. */
	static Rendering.Builder<?> view(ServerWebExchange exchange, String template, String fragment) {
		Htmx.varyOnRequest(exchange);
		return Rendering.view(Htmx.isPartial(exchange) ? template + " :: " + fragment : template);
	}

	/** {@code /workspaces/<encoded name>}. */
	static String wsHref(String workspace) {
		return "/workspaces/" + UriUtils.encodePathSegment(workspace, StandardCharsets.UTF_8);
	}

	/** The path with these query parameters, encoded. */
	static String link(String path, Map<String, String> parameters) {
		UriComponentsBuilder uri = UriComponentsBuilder.fromPath(path);
		parameters.forEach((name, value) -> uri.queryParam(name, "{" + name + "}"));
		return uri.encode().buildAndExpand(parameters).toUriString();
	}

}
