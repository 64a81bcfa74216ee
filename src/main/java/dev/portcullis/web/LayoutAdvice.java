package dev.portcullis.web;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;

/** Puts what the layout needs (version, current path for the navigation) into every page's model. */
@ControllerAdvice
class LayoutAdvice {

	private final String version;

	LayoutAdvice(ObjectProvider<BuildProperties> build) {
		@Nullable BuildProperties properties = build.getIfAvailable();
		this.version = (properties != null) ? properties.getVersion() : "dev";
	}

	@ModelAttribute("appVersion")
	String appVersion() {
		return this.version;
	}

	@ModelAttribute("currentPath")
	String currentPath(ServerWebExchange exchange) {
		return exchange.getRequest().getPath().value();
	}

}
