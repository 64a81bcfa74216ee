package dev.portcullis.publish;

import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A place a workspace publishes to, as an adapter sees it: its settings and its credentials opened (unsealed) for
 * the duration of one call. {@link #toString()} never shows the credentials, only which are set.
 * <p>
 * Settings are the API's top-level fields other than {@code name}, {@code type} and {@code auth}, as text, plus
 * {@code auth.type}. Git: {@code url}, {@code branch}, {@code path} (the folder, {@code ""} for the root);
 * {@code auth.type} {@code none}, {@code token} (HTTPS) or {@code ssh-key} (SSH), and the forge's
 * {@code forge.kind}, {@code forge.apiUrl}, {@code forge.project}, {@code forge.pullRequest},
 * {@code forge.commitStatus} (the API's {@code forge} object, docs/adr/045). Kubernetes: {@code server},
 * {@code caData}; {@code auth.type} {@code token}, {@code clientCertificate} or {@code serviceAccount}. Credentials
 * are the other fields of {@code auth} (for example {@code token}, {@code username}, {@code privateKey},
 * {@code passphrase}, {@code knownHosts}, {@code clientCertificate}, {@code clientKey}): sealed at rest, write-only
 * in the API, never logged.
 *
 * @param id the target's id ({@code publish_target.id}), 0 for a target not saved yet (checked before its first
 *        save): adapters key what they keep per target by it, as the Git adapter's clone
 * @param workspace the workspace's name
 * @param name the target's name, unique in the workspace
 * @param type {@code git} or {@code kubernetes}
 * @param settings the non-secret settings
 * @param credentials the secrets, opened
 */
public record Target(long id, String workspace, String name, String type, Map<String, String> settings,
		Map<String, String> credentials) {

	public Target {
		settings = Map.copyOf(settings);
		credentials = Map.copyOf(credentials);
	}

	/** A target not saved yet (id 0). */
	public Target(String workspace, String name, String type, Map<String, String> settings,
			Map<String, String> credentials) {
		this(0, workspace, name, type, settings, credentials);
	}

	/** The setting {@code key}, or null when it is not set or blank. */
	public @Nullable String setting(String key) {
		String value = this.settings.get(key);
		return (value == null || value.isBlank()) ? null : value;
	}

	/** The credential {@code key}, or null when it is not set or blank. */
	public @Nullable String credential(String key) {
		String value = this.credentials.get(key);
		return (value == null || value.isBlank()) ? null : value;
	}

	/** The authentication kind ({@code auth.type}), {@code none} when unset. */
	public String authType() {
		String type = setting("auth.type");
		return (type != null) ? type : "none";
	}

	@Override
	public String toString() {
		return "Target[id=" + this.id + ", workspace=" + this.workspace + ", name=" + this.name + ", type=" + this.type + ", settings="
				+ new TreeMap<>(this.settings) + ", credentials set=" + new java.util.TreeSet<>(this.credentials.keySet())
				+ "]";
	}

}
