package dev.portcullis.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.policy.PolicyVersion;
import dev.portcullis.policy.WorkspaceState;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Desired objects from stored canonical YAML. */
final class Desired {

	private Desired() {
	}

	/** The state's live policies as objects to publish, in {@code PolicyKey} order. */
	static List<DesiredObject> of(WorkspaceState state) {
		List<DesiredObject> out = new ArrayList<>(state.policies().size());
		for (PolicyVersion version : state.policies()) {
			out.add(of(version.key().kind().kindName(), version.key().namespace(), version.key().name(),
					version.canonicalYaml()));
		}
		return out;
	}

	@SuppressWarnings("unchecked")
	static DesiredObject of(String kind, String namespace, String name, String yaml) {
		Object parsed = new Load(LoadSettings.builder().build()).loadFromString(yaml);
		Map<String, Object> object = (parsed instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
		return new DesiredObject(kind, namespace, name, yaml, object);
	}

}
