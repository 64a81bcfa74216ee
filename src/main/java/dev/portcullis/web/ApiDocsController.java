package dev.portcullis.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The OpenAPI document of {@code /api/v1} and the page that browses it. The document is
 * {@code classpath:openapi/openapi.yaml} (info, shared schemas) merged with every other
 * {@code classpath:openapi/*.yaml}, one per feature, each holding its {@code paths} and
 * {@code components.schemas}; merged once at start.
 */
@Controller
class ApiDocsController {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	private final String document;

	ApiDocsController() {
		this.document = merge();
	}

	@GetMapping("/api/docs")
	String page() {
		return "api/docs";
	}

	@GetMapping("/api/v1/openapi.yaml")
	@ResponseBody
	ResponseEntity<String> document() {
		return ResponseEntity.ok().contentType(YAML).body(this.document);
	}

	@SuppressWarnings("unchecked")
	private static String merge() {
		try {
			Resource[] resources = new PathMatchingResourcePatternResolver().getResources("classpath:openapi/*.yaml");
			Arrays.sort(resources, Comparator.comparing(Resource::getFilename));
			Map<String, Object> base = null;
			Map<String, Object> paths = new LinkedHashMap<>();
			Map<String, Object> schemas = new LinkedHashMap<>();
			for (Resource resource : resources) {
				Map<String, Object> part = load(resource);
				if ("openapi.yaml".equals(resource.getFilename())) {
					base = part;
				}
				paths.putAll((Map<String, Object>) part.getOrDefault("paths", Map.of()));
				Map<String, Object> components = (Map<String, Object>) part.getOrDefault("components", Map.of());
				schemas.putAll((Map<String, Object>) components.getOrDefault("schemas", Map.of()));
			}
			if (base == null) {
				throw new IllegalStateException("classpath:openapi/openapi.yaml is missing");
			}
			Map<String, Object> merged = new LinkedHashMap<>(base);
			Map<String, Object> sortedPaths = new java.util.TreeMap<>(paths);
			merged.put("paths", sortedPaths);
			Map<String, Object> components = new LinkedHashMap<>(
					(Map<String, Object>) base.getOrDefault("components", Map.of()));
			components.put("schemas", new java.util.TreeMap<>(schemas));
			merged.put("components", components);
			return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setWidth(120).build())
				.dumpToString(merged);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> load(Resource resource) throws IOException {
		try (InputStream in = resource.getInputStream()) {
			return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(in);
		}
	}

}
