package dev.portcullis.web;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/** The OpenAPI document of {@code /api/v1} and the page that browses it. */
@Controller
class ApiDocsController {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	private final Resource document = new ClassPathResource("openapi/openapi.yaml");

	@GetMapping("/api/docs")
	String page() {
		return "api/docs";
	}

	@GetMapping("/api/v1/openapi.yaml")
	@ResponseBody
	ResponseEntity<Resource> document() {
		return ResponseEntity.ok().contentType(YAML).body(this.document);
	}

}
