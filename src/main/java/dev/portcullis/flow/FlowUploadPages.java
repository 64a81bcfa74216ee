package dev.portcullis.flow;

import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.web.PageError;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * The upload page of a workspace's flow log ({@code /workspaces/{workspace}/flows/upload}): drop or choose a Hubble
 * export ({@code hubble observe -o json} output or an exporter file, gzip-compressed or not); the browser streams the
 * file to {@code POST /api/v1/workspaces/{workspace}/flows} with a progress bar (rate, bytes, an estimate of the
 * flows sent) and a cancel button, then shows the answer (frontend/src/flow-upload.js). Authors upload; viewers see
 * the page read-only. When the upload has flows of another cluster than the workspace's, administrators (who may
 * change the agent settings) are offered to set the workspace's cluster name to one of the names seen in one click
 * ({@code POST /workspaces/{workspace}/settings/cluster-name}, the settings page's); everyone else is told where.
 */
@Controller
class FlowUploadPages {

	private final Workspaces workspaces;

	private final FlowSettings settings;

	FlowUploadPages(Workspaces workspaces, FlowIngest ingest) {
		this.workspaces = workspaces;
		this.settings = ingest.settings();
	}

	@GetMapping("/workspaces/{workspace}/flows/upload")
	Mono<Rendering> page(@PathVariable String workspace, ServerWebExchange exchange) {
		return this.workspaces.findId(workspace)
			.switchIfEmpty(Mono.error(() -> new PageError(HttpStatus.NOT_FOUND, "There is no such workspace.")))
			.then(Actor.current(exchange))
			.map((actor) -> Rendering.view("flows/upload")
				.modelAttribute("workspace", workspace)
				.modelAttribute("canWrite", actor.has(Role.AUTHOR))
				.modelAttribute("canSetCluster", actor.has(Role.ADMIN))
				.modelAttribute("maxUpload", size(this.settings.maxUploadSize().toBytes()))
				.build());
	}

	/** "16 GB", "512 MB", "300 KB" (binary units, as Spring's DataSize counts them). */
	static String size(long bytes) {
		String[] units = { "B", "KB", "MB", "GB", "TB" };
		int unit = 0;
		double value = bytes;
		while (value >= 1024 && unit < units.length - 1) {
			value /= 1024;
			unit++;
		}
		return ((value == Math.rint(value)) ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.1f",
				value)) + " " + units[unit];
	}

}
