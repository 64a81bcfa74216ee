package dev.portcullis.publish.kubernetes;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.portcullis.publish.Applied;
import dev.portcullis.publish.DesiredObject;
import dev.portcullis.publish.Drift;
import dev.portcullis.publish.LiveObject;
import dev.portcullis.publish.ObjectResult;
import dev.portcullis.publish.ObjectResult.Outcome;
import dev.portcullis.publish.Plan;
import dev.portcullis.publish.PlanItem;
import dev.portcullis.publish.PlanItem.Action;
import dev.portcullis.publish.Publication;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import dev.portcullis.publish.TargetAdapter;

/**
 * The Kubernetes target, and the only class that talks to an API server (fabric8 on the JDK HTTP client).
 * <ul>
 * <li><b>Settings</b>: {@code server} (the API server's URL), {@code caData} (PEM, or base64 of PEM as in a
 * kubeconfig; absent: the JDK's trusted roots), {@code auth.type} {@code token} (credential {@code token}),
 * {@code clientCertificate} (credentials {@code clientCertificate}, {@code clientKey}, PEM or base64) or
 * {@code serviceAccount} (the pod's own account: token and CA from
 * {@code /var/run/secrets/kubernetes.io/serviceaccount}, server from {@code KUBERNETES_SERVICE_HOST} unless
 * {@code server} is set).</li>
 * <li><b>Check</b>: the {@code cilium.io/v2} group must serve {@code ciliumnetworkpolicies} and
 * {@code ciliumclusterwidenetworkpolicies}, and the credentials must be allowed to list them.</li>
 * <li><b>Plan</b>: a server-side apply dry run ({@code dryRun=All}) per desired object with the field manager
 * {@code portcullis}; the live object against the dry run's result gives create, update or unchanged and the diff;
 * a dry run refused with 409 lists the other managers' fields as conflicts. Objects labelled
 * {@code app.kubernetes.io/managed-by: portcullis} and {@code portcullis.dev/workspace: <workspace>} that are not
 * desired are deleted; no other object is ever in a plan. An object the API server rejects (422) fails the plan,
 * naming every such object, so nothing is applied. The plan's {@code basis} holds the resource version of every
 * object to delete.</li>
 * <li><b>Apply</b>: server-side apply of the plan's desired documents, labelled, forcing conflicts only when the publication says
 * so; deletion only with the resource version seen at planning time as a precondition and only of an object that
 * still carries both labels. One object's failure does not stop the others. Each applied Cilium policy's
 * {@code Valid} condition is read back into its result's message (absent means Cilium has not checked it yet).</li>
 * <li><b>Drift</b>: the live objects against the published ones, per field, naming the manager that owns each live
 * field from {@code metadata.managedFields}; a published object gone, and a managed object nobody published, are
 * whole-object drift.</li>
 * </ul>
 * Every failure becomes a {@link PublishFailure} or a failed {@link ObjectResult} in words; credentials never
 * appear in them (messages are also scrubbed of every credential value).
 */
@Component
public final class KubernetesAdapter implements TargetAdapter {

	/** The field manager of every write. */
	public static final String FIELD_MANAGER = "portcullis";

	/** The label that marks an object Portcullis manages (only such objects are deleted). */
	public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

	/** The label naming the workspace that published an object. */
	public static final String WORKSPACE = "portcullis.dev/workspace";

	static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final int timeoutMillis;

	public KubernetesAdapter() {
		this(20_000);
	}

	KubernetesAdapter(int timeoutMillis) {
		this.timeoutMillis = timeoutMillis;
	}

	@Override
	public String type() {
		return "kubernetes";
	}

	@Override
	public void check(Target target) {
		try (KubernetesClient client = connect(target)) {
			requireCilium(target, client);
			for (PolicyKind kind : PolicyKind.values()) {
				client.genericKubernetesResources(kind.context).inAnyNamespace().withLabel(MANAGED_BY, FIELD_MANAGER)
					.list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
			}
		}
		catch (KubernetesClientException ex) {
			throw new PublishFailure(words(target, ex, "listing network policies"), ex);
		}
	}

	@Override
	public Plan plan(Target target, List<DesiredObject> desired) {
		try (KubernetesClient client = connect(target)) {
			requireCilium(target, client);
			Map<String, GenericKubernetesResource> managed = managed(client, target.workspace());
			List<PlanItem> items = new ArrayList<>();
			List<String> rejected = new ArrayList<>();
			for (DesiredObject object : desired) {
				PolicyKind kind = PolicyKind.of(object.kind());
				String body = JSON.writeValueAsString(labelled(object, target.workspace()));
				Resource<GenericKubernetesResource> resource = resource(client, kind, object.namespace(), object.name());
				GenericKubernetesResource live = resource.get();
				managed.remove(object.ref());
				List<String> conflicts = List.of();
				GenericKubernetesResource result;
				try {
					result = applying(client, kind, object.namespace(), body).patch(patch(false, true));
				}
				catch (KubernetesClientException ex) {
					if (ex.getCode() == 409) {
						conflicts = conflicts(ex);
						result = dryRunForced(applying(client, kind, object.namespace(), body), target, object,
								rejected);
					}
					else if (ex.getCode() == 422 || ex.getCode() == 400) {
						rejected.add(object.ref() + ": " + words(target, ex, "checking " + object.ref()));
						continue;
					}
					else {
						throw ex;
					}
				}
				String from = (live == null) ? "" : text(client, live);
				String to = (result == null) ? "" : text(client, result);
				Action action = (live == null) ? Action.CREATE : from.equals(to) ? Action.UNCHANGED : Action.UPDATE;
				items.add(new PlanItem(object.kind(), object.namespace(), object.name(), action,
						(action == Action.UNCHANGED) ? "" : ObjectText.diff(from, to, object.ref()), conflicts));
			}
			if (!rejected.isEmpty()) {
				throw new PublishFailure("the API server rejects " + rejected.size()
						+ ((rejected.size() == 1) ? " policy" : " policies") + ", nothing was applied: "
						+ String.join("; ", rejected));
			}
			Map<String, String> delete = new LinkedHashMap<>();
			managed.forEach((ref, live) -> {
				delete.put(ref, live.getMetadata().getResourceVersion());
				items.add(new PlanItem(live.getKind(), namespaceOf(live), live.getMetadata().getName(), Action.DELETE,
						ObjectText.diff(text(client, live), "", ref), List.of()));
			});
			return new Plan(items, desired, JSON.writeValueAsString(delete));
		}
		catch (KubernetesClientException ex) {
			throw new PublishFailure(words(target, ex, "planning"), ex);
		}
	}

	private @Nullable GenericKubernetesResource dryRunForced(Resource<GenericKubernetesResource> resource,
			Target target, DesiredObject object, List<String> rejected) {
		try {
			return resource.patch(patch(true, true));
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 422 || ex.getCode() == 400) {
				rejected.add(object.ref() + ": " + words(target, ex, "checking " + object.ref()));
				return null;
			}
			throw ex;
		}
	}

	@Override
	public Applied apply(Target target, Plan plan, Publication publication) {
		Map<String, String> deletions = planned(plan.basis());
		Map<String, DesiredObject> desired = new LinkedHashMap<>();
		plan.desired().forEach((object) -> desired.put(object.ref(), object));
		try (KubernetesClient client = connect(target)) {
			try {
				client.getApiResources(PolicyKind.CILIUM_GROUP_VERSION);
			}
			catch (KubernetesClientException ex) {
				throw new PublishFailure(words(target, ex, "applying"), ex);
			}
			List<ObjectResult> results = new ArrayList<>();
			Map<String, String> versions = new LinkedHashMap<>();
			for (PlanItem item : plan.items()) {
				if (item.action() != Action.UNCHANGED) {
					// docs/adr/049: no apply or delete once another instance may hold the publication
					publication.fence().check(((item.action() == Action.DELETE) ? "deleting " : "applying ")
							+ item.ref());
				}
				ObjectResult result = switch (item.action()) {
					case UNCHANGED -> unchanged(client, item);
					case CREATE, UPDATE -> applyOne(client, target, item, desired.get(item.ref()),
							publication.forceConflicts());
					case DELETE -> deleteOne(client, target, item, deletions.get(item.ref()));
				};
				results.add(result);
				if (result.resourceVersion() != null) {
					versions.put(result.ref(), result.resourceVersion());
				}
			}
			return new Applied(results, null, versions);
		}
	}

	private ObjectResult unchanged(KubernetesClient client, PlanItem item) {
		GenericKubernetesResource live = resource(client, PolicyKind.of(item.kind()), item.namespace(), item.name())
			.get();
		String rv = (live != null) ? live.getMetadata().getResourceVersion() : null;
		return new ObjectResult(item.kind(), item.namespace(), item.name(), Outcome.UNCHANGED,
				(live != null) ? validity(live).words() : "", rv);
	}

	private ObjectResult applyOne(KubernetesClient client, Target target, PlanItem item,
			@Nullable DesiredObject object, boolean force) {
		if (object == null) {
			return failed(item, "the plan does not hold this object's document; plan again");
		}
		String body = JSON.writeValueAsString(labelled(object, target.workspace()));
		try {
			GenericKubernetesResource applied = applying(client, PolicyKind.of(item.kind()), item.namespace(), body)
				.patch(patch(force, false));
			return new ObjectResult(item.kind(), item.namespace(), item.name(),
					(item.action() == Action.CREATE) ? Outcome.CREATED : Outcome.UPDATED, validity(applied).words(),
					applied.getMetadata().getResourceVersion());
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 409) {
				return failed(item, ObjectResult.CONFLICT + String.join(", ", conflicts(ex))
						+ "; publish again taking over conflicting fields to force it");
			}
			return failed(item, "not applied: " + words(target, ex, "applying " + item.ref()));
		}
	}

	private ObjectResult deleteOne(KubernetesClient client, Target target, PlanItem item,
			@Nullable String resourceVersion) {
		Resource<GenericKubernetesResource> resource = resource(client, PolicyKind.of(item.kind()), item.namespace(),
				item.name());
		try {
			GenericKubernetesResource live = resource.get();
			if (live == null) {
				return new ObjectResult(item.kind(), item.namespace(), item.name(), Outcome.DELETED,
						"was already gone", null);
			}
			if (!isManaged(live, target.workspace())) {
				return failed(item, "not deleted: it no longer carries the labels " + MANAGED_BY + "="
						+ FIELD_MANAGER + " and " + WORKSPACE + "=" + target.workspace());
			}
			if (resourceVersion == null) {
				return failed(item, "not deleted: the plan does not name the version to delete; plan again");
			}
			if (!resourceVersion.equals(live.getMetadata().getResourceVersion())) {
				throw new KubernetesClientException("changed since the plan", 409, null);
			}
			// the precondition closes the window between this read and the delete
			resource.lockResourceVersion(resourceVersion).delete();
			return new ObjectResult(item.kind(), item.namespace(), item.name(), Outcome.DELETED, "", null);
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 409) {
				return failed(item, "not deleted: it changed on the cluster since the plan (resource version "
						+ resourceVersion + "); plan again");
			}
			if (ex.getCode() == 404) {
				return new ObjectResult(item.kind(), item.namespace(), item.name(), Outcome.DELETED,
						"was already gone", null);
			}
			return failed(item, "not deleted: " + words(target, ex, "deleting " + item.ref()));
		}
	}

	@Override
	public List<LiveObject> live(Target target, List<DesiredObject> published) {
		try (KubernetesClient client = connect(target)) {
			Map<String, GenericKubernetesResource> managed = managed(client, target.workspace());
			List<LiveObject> out = new ArrayList<>();
			for (DesiredObject object : published) {
				managed.remove(object.ref());
				GenericKubernetesResource live = resource(client, PolicyKind.of(object.kind()), object.namespace(),
						object.name())
					.get();
				out.add(new LiveObject(object.kind(), object.namespace(), object.name(),
						(live != null) ? ObjectText.yaml(unlabelled(asMap(client, live))) + "\n" : null));
			}
			managed.forEach((ref, live) -> out.add(new LiveObject(live.getKind(), namespaceOf(live),
					live.getMetadata().getName(), ObjectText.yaml(unlabelled(asMap(client, live))) + "\n")));
			return out;
		}
		catch (KubernetesClientException ex) {
			throw new PublishFailure(words(target, ex, "reading the published policies"), ex);
		}
	}

	/** The object without server-set fields, the labels Portcullis adds, and kubectl's last-applied annotation. */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> unlabelled(Map<String, Object> object) {
		Map<String, Object> out = ObjectText.stripped(object);
		if (out.get("metadata") instanceof Map<?, ?> metadata) {
			Map<String, Object> m = (Map<String, Object>) metadata;
			for (String field : List.of("labels", "annotations")) {
				if (m.get(field) instanceof Map<?, ?> values) {
					Map<String, Object> kept = new java.util.TreeMap<>((Map<String, Object>) values);
					kept.keySet().removeAll(List.of(MANAGED_BY, WORKSPACE,
							"kubectl.kubernetes.io/last-applied-configuration"));
					if (kept.isEmpty()) {
						m.remove(field);
					}
					else {
						m.put(field, kept);
					}
				}
			}
		}
		return out;
	}

	private static ObjectResult failed(PlanItem item, String message) {
		return new ObjectResult(item.kind(), item.namespace(), item.name(), Outcome.FAILED, message, null);
	}

	@Override
	public List<Drift> drift(Target target, List<DesiredObject> published) {
		try (KubernetesClient client = connect(target)) {
			Map<String, GenericKubernetesResource> managed = managed(client, target.workspace());
			List<Drift> drift = new ArrayList<>();
			for (DesiredObject object : published) {
				managed.remove(object.ref());
				GenericKubernetesResource live = resource(client, PolicyKind.of(object.kind()), object.namespace(),
						object.name())
					.get();
				if (live == null) {
					drift.add(new Drift(object.kind(), object.namespace(), object.name(), "",
							ObjectText.yaml(ObjectText.stripped(labelled(object, target.workspace()))), null, null));
					continue;
				}
				Map<String, Object> liveMap = asMap(client, live);
				Map<String, List<String>> owners = FieldPaths.owners(
						(liveMap.get("metadata") instanceof Map<?, ?> m) ? m.get("managedFields") : null);
				FieldPaths.differences(content(labelled(object, target.workspace()), null),
						content(liveMap, labelled(object, target.workspace())))
					.forEach((path, values) -> drift.add(new Drift(object.kind(), object.namespace(), object.name(),
							path, ObjectText.yaml(values.get(0)), ObjectText.yaml(values.get(1)),
							FieldPaths.ownerOf(path, owners))));
			}
			managed.forEach((ref, live) -> {
				Map<String, Object> liveMap = asMap(client, live);
				Map<String, List<String>> owners = FieldPaths.owners(
						(liveMap.get("metadata") instanceof Map<?, ?> m) ? m.get("managedFields") : null);
				drift.add(new Drift(live.getKind(), namespaceOf(live), live.getMetadata().getName(), "", null,
						ObjectText.yaml(ObjectText.stripped(liveMap)), FieldPaths.ownerOf("spec", owners)));
			});
			return drift;
		}
		catch (KubernetesClientException ex) {
			throw new PublishFailure(words(target, ex, "reading the published policies"), ex);
		}
	}

	/**
	 * What Cilium says of each published policy now: its {@code Valid} condition (absent means not checked yet,
	 * never valid); NetworkPolicies have no such condition.
	 * @throws PublishFailure when the target cannot be read
	 */
	public List<PolicyValidity> validity(Target target, List<DesiredObject> published) {
		try (KubernetesClient client = connect(target)) {
			List<PolicyValidity> out = new ArrayList<>();
			for (DesiredObject object : published) {
				GenericKubernetesResource live = resource(client, PolicyKind.of(object.kind()), object.namespace(),
						object.name())
					.get();
				out.add((live == null) ? new PolicyValidity(object.kind(), object.namespace(), object.name(),
						PolicyValidity.State.MISSING, "") : validity(live));
			}
			return out;
		}
		catch (KubernetesClientException ex) {
			throw new PublishFailure(words(target, ex, "reading the policies' status"), ex);
		}
	}

	private static PolicyValidity validity(GenericKubernetesResource live) {
		String kind = live.getKind();
		String ns = namespaceOf(live);
		String name = live.getMetadata().getName();
		if (!PolicyKind.of(kind).cilium) {
			return new PolicyValidity(kind, ns, name, PolicyValidity.State.NOT_APPLICABLE, "");
		}
		Object conditions = (live.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
				? status.get("conditions") : null;
		if (conditions instanceof List<?> list) {
			for (Object c : list) {
				if (c instanceof Map<?, ?> condition && "Valid".equals(condition.get("type"))) {
					String message = (condition.get("message") instanceof String m) ? m : "";
					return new PolicyValidity(kind, ns, name, switch (String.valueOf(condition.get("status"))) {
						case "True" -> PolicyValidity.State.VALID;
						case "False" -> PolicyValidity.State.INVALID;
						default -> PolicyValidity.State.NOT_CHECKED;
					}, message);
				}
			}
		}
		return new PolicyValidity(kind, ns, name, PolicyValidity.State.NOT_CHECKED, "");
	}

	// --- connection ---------------------------------------------------------------------------------------------

	/** A client for the target (not yet connected: the first call connects). */
	KubernetesClient connect(Target target) {
		return new KubernetesClientBuilder().withConfig(config(target))
			.withHttpClientFactory(new JdkHttpClientFactory())
			.build();
	}

	Config config(Target target) {
		ConfigBuilder config = new ConfigBuilder(Config.empty()).withConnectionTimeout(this.timeoutMillis)
			.withRequestTimeout(this.timeoutMillis)
			.withRequestRetryBackoffLimit(0);
		String server = target.setting("server");
		String ca = target.setting("caData");
		switch (target.authType()) {
			case "token" -> config.withOauthToken(required(target.credential("token"), "auth.token"));
			case "clientCertificate" -> config
				.withClientCertData(base64(required(target.credential("clientCertificate"), "auth.clientCertificate")))
				.withClientKeyData(base64(required(target.credential("clientKey"), "auth.clientKey")));
			case "serviceAccount" -> {
				Path dir = Path.of(SERVICE_ACCOUNT_DIR);
				try {
					config.withOauthToken(Files.readString(dir.resolve("token"), StandardCharsets.UTF_8).trim());
					if (ca == null && Files.exists(dir.resolve("ca.crt"))) {
						ca = Files.readString(dir.resolve("ca.crt"), StandardCharsets.UTF_8);
					}
				}
				catch (IOException ex) {
					throw new PublishFailure("this Portcullis does not run in a pod with a service account ("
							+ SERVICE_ACCOUNT_DIR + "/token cannot be read)");
				}
				if (server == null && System.getenv("KUBERNETES_SERVICE_HOST") != null) {
					server = "https://" + System.getenv("KUBERNETES_SERVICE_HOST") + ":"
							+ System.getenv().getOrDefault("KUBERNETES_SERVICE_PORT", "443");
				}
			}
			default -> throw new PublishFailure("auth.type must be token, clientCertificate or serviceAccount, not "
					+ target.authType());
		}
		config.withMasterUrl(serverUrl(server));
		if (ca != null) {
			config.withCaCertData(base64(ca));
		}
		return config.build();
	}

	private static String serverUrl(@Nullable String server) {
		if (server == null) {
			throw new PublishFailure("server is required: the API server's URL, such as https://203.0.113.10:6443");
		}
		try {
			URI uri = URI.create(server.trim());
			if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
					|| uri.getUserInfo() != null) {
				throw new IllegalArgumentException();
			}
			return uri.toString();
		}
		catch (IllegalArgumentException ex) {
			throw new PublishFailure("server must be an https:// URL with a host and no user name, such as "
					+ "https://203.0.113.10:6443");
		}
	}

	private static String required(@Nullable String value, String field) {
		if (value == null) {
			throw new PublishFailure(field + " is required for this auth.type");
		}
		return value;
	}

	/** PEM as fabric8 wants it (base64 of the PEM text); text already in base64 is kept. */
	private static String base64(String pemOrBase64) {
		String text = pemOrBase64.trim();
		return text.startsWith("-----BEGIN") ? Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))
				: text.replaceAll("\\s", "");
	}

	// --- reading ------------------------------------------------------------------------------------------------

	private static void requireCilium(Target target, KubernetesClient client) {
		APIResourceList resources = client.getApiResources(PolicyKind.CILIUM_GROUP_VERSION);
		Set<String> served = (resources == null) ? Set.of()
				: resources.getResources().stream().map(APIResource::getName).collect(Collectors.toSet());
		Set<String> missing = new TreeSet<>();
		for (PolicyKind kind : PolicyKind.values()) {
			if (kind.cilium && !served.contains(kind.context.getPlural())) {
				missing.add(kind.context.getPlural() + "." + kind.context.getGroup());
			}
		}
		if (!missing.isEmpty()) {
			throw new PublishFailure("the cluster at " + host(target) + " does not serve the Cilium CRDs "
					+ String.join(", ", missing) + " (" + PolicyKind.CILIUM_GROUP_VERSION
					+ "): is Cilium installed, in version 1.14 or later?");
		}
	}

	/** The objects this workspace manages on the cluster, by {@code ref}. */
	private static Map<String, GenericKubernetesResource> managed(KubernetesClient client, String workspace) {
		Map<String, GenericKubernetesResource> out = new LinkedHashMap<>();
		for (PolicyKind kind : PolicyKind.values()) {
			MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> op = client
				.genericKubernetesResources(kind.context);
			List<GenericKubernetesResource> items = kind.context.isNamespaceScoped()
					? op.inAnyNamespace().withLabel(MANAGED_BY, FIELD_MANAGER).withLabel(WORKSPACE, workspace).list()
						.getItems()
					: op.withLabel(MANAGED_BY, FIELD_MANAGER).withLabel(WORKSPACE, workspace).list().getItems();
			items.stream()
				.filter((item) -> isManaged(item, workspace))
				.sorted(java.util.Comparator.comparing(KubernetesAdapter::namespaceOf)
					.thenComparing((item) -> item.getMetadata().getName()))
				.forEach((item) -> {
					item.setKind(kind.kind);
					out.put(ref(kind.kind, namespaceOf(item), item.getMetadata().getName()), item);
				});
		}
		return out;
	}

	/** As {@link PlanItem#ref()} writes it. */
	private static String ref(String kind, String namespace, String name) {
		return kind + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
	}

	private static boolean isManaged(GenericKubernetesResource object, String workspace) {
		Map<String, String> labels = object.getMetadata().getLabels();
		return labels != null && FIELD_MANAGER.equals(labels.get(MANAGED_BY)) && workspace.equals(labels.get(WORKSPACE));
	}

	private static Resource<GenericKubernetesResource> resource(KubernetesClient client, PolicyKind kind,
			String namespace, String name) {
		MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> op = client
			.genericKubernetesResources(kind.context);
		return kind.context.isNamespaceScoped() ? op.inNamespace(namespace).withName(name) : op.withName(name);
	}

	/** The operation that applies {@code body} (JSON): by the document itself, so a missing object is created. */
	private static Resource<GenericKubernetesResource> applying(KubernetesClient client, PolicyKind kind,
			String namespace, String body) {
		GenericKubernetesResource item = client.getKubernetesSerialization()
			.unmarshal(body, GenericKubernetesResource.class);
		MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> op = client
			.genericKubernetesResources(kind.context);
		return kind.context.isNamespaceScoped() ? op.inNamespace(namespace).resource(item) : op.resource(item);
	}

	private static PatchContext patch(boolean force, boolean dryRun) {
		PatchContext context = PatchContext.of(PatchType.SERVER_SIDE_APPLY);
		context.setFieldManager(FIELD_MANAGER);
		context.setForce(force);
		if (dryRun) {
			context.setDryRun(List.of("All"));
		}
		return context;
	}

	/** The desired document with the two labels Portcullis sets on everything it applies. */
	@SuppressWarnings("unchecked")
	static Map<String, Object> labelled(DesiredObject object, String workspace) {
		Map<String, Object> body = ObjectText.copy(object.object());
		body.remove("status");
		Map<String, Object> metadata = (Map<String, Object>) body.computeIfAbsent("metadata",
				(k) -> new LinkedHashMap<>());
		metadata.put("name", object.name());
		if (!object.namespace().isEmpty()) {
			metadata.put("namespace", object.namespace());
		}
		Map<String, Object> labels = (metadata.get("labels") instanceof Map<?, ?> l)
				? (Map<String, Object>) l : new LinkedHashMap<>();
		labels.put(MANAGED_BY, FIELD_MANAGER);
		labels.put(WORKSPACE, workspace);
		metadata.put("labels", labels);
		return body;
	}

	/**
	 * The fields compared for drift: everything but {@code apiVersion}, {@code kind}, {@code metadata} and
	 * {@code status}, flattened, plus {@code metadata.labels} and {@code metadata.annotations} entries — of the
	 * published document's keys only when {@code published} is given (labels others add are not drift).
	 */
	@SuppressWarnings("unchecked")
	private static Map<String, @Nullable Object> content(Map<String, Object> object,
			@Nullable Map<String, Object> published) {
		Map<String, @Nullable Object> out = new LinkedHashMap<>();
		object.forEach((key, value) -> {
			if (!Set.of("apiVersion", "kind", "metadata", "status").contains(key)) {
				out.putAll(FieldPaths.flatten(value, key));
			}
		});
		Map<String, Object> metadata = (object.get("metadata") instanceof Map<?, ?> m) ? (Map<String, Object>) m
				: Map.of();
		Map<String, Object> publishedMetadata = (published == null) ? metadata
				: (published.get("metadata") instanceof Map<?, ?> m) ? (Map<String, Object>) m : Map.of();
		for (String part : List.of("labels", "annotations")) {
			Map<String, Object> mine = (metadata.get(part) instanceof Map<?, ?> m) ? (Map<String, Object>) m : Map.of();
			Map<String, Object> keys = (publishedMetadata.get(part) instanceof Map<?, ?> m) ? (Map<String, Object>) m
					: Map.of();
			keys.keySet().forEach((key) -> {
				if (mine.containsKey(key)) {
					out.put("metadata." + part + "." + key, mine.get(key));
				}
			});
		}
		return out;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> asMap(KubernetesClient client, GenericKubernetesResource object) {
		return client.getKubernetesSerialization().convertValue(object, Map.class);
	}

	private static String text(KubernetesClient client, GenericKubernetesResource object) {
		String yaml = ObjectText.yaml(ObjectText.stripped(asMap(client, object)));
		return (yaml == null) ? "" : yaml + "\n";
	}

	private static String namespaceOf(GenericKubernetesResource object) {
		String ns = object.getMetadata().getNamespace();
		return (ns == null) ? "" : ns;
	}

	// --- words --------------------------------------------------------------------------------------------------

	private static List<String> conflicts(KubernetesClientException ex) {
		Status status = ex.getStatus();
		List<String> out = new ArrayList<>();
		if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
			for (StatusCause cause : status.getDetails().getCauses()) {
				String field = (cause.getField() == null) ? "" : cause.getField().replaceFirst("^\\.", "");
				String manager = manager(cause.getMessage());
				out.add(field + ((manager != null) ? " owned by " + manager : ""));
			}
		}
		if (out.isEmpty()) {
			out.add((status != null && status.getMessage() != null) ? status.getMessage() : "a field another manager owns");
		}
		return out;
	}

	/** The manager named in a conflict cause ({@code conflict with "kubectl-edit" using cilium.io/v2}). */
	private static @Nullable String manager(@Nullable String message) {
		if (message == null) {
			return null;
		}
		int start = message.indexOf('"');
		int end = (start < 0) ? -1 : message.indexOf('"', start + 1);
		return (end > start) ? message.substring(start + 1, end) : null;
	}

	/** An exception in words, with every credential of the target scrubbed out. */
	static String words(Target target, KubernetesClientException ex, String doing) {
		String words = switch (ex.getCode()) {
			case 0, -1 -> unreachable(target, ex);
			case 401 -> "the API server at " + host(target) + " refused the credentials (401 Unauthorized)";
			case 403 -> "the credentials are not allowed to do this (403 Forbidden): " + statusMessage(ex);
			case 404 -> "not found (404) while " + doing + ": " + statusMessage(ex);
			case 422, 400 -> "rejected as invalid (" + ex.getCode() + "): " + causes(ex);
			default -> "the API server answered " + ex.getCode() + " while " + doing + ": " + statusMessage(ex);
		};
		for (String secret : target.credentials().values()) {
			if (secret != null && secret.length() >= 4) {
				words = words.replace(secret, "[redacted]");
			}
		}
		return words;
	}

	private static String unreachable(Target target, Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof UnknownHostException) {
				return "cannot reach the API server at " + host(target) + ": the host name is not known";
			}
			if (t instanceof ConnectException) {
				return "cannot reach the API server at " + host(target) + ": connection refused";
			}
			if (t instanceof HttpTimeoutException || t instanceof InterruptedIOException) {
				return "cannot reach the API server at " + host(target) + ": no answer within the time allowed";
			}
			if (t instanceof SSLException) {
				return "cannot reach the API server at " + host(target)
						+ ": its TLS certificate is not trusted (check caData)";
			}
		}
		return "cannot reach the API server at " + host(target);
	}

	private static String host(Target target) {
		String server = target.setting("server");
		try {
			URI uri = URI.create((server == null) ? "" : server.trim());
			return (uri.getHost() == null) ? "(no server)"
					: uri.getScheme() + "://" + uri.getHost() + ((uri.getPort() < 0) ? "" : ":" + uri.getPort());
		}
		catch (IllegalArgumentException ex) {
			return "(malformed server URL)";
		}
	}

	private static String statusMessage(KubernetesClientException ex) {
		Status status = ex.getStatus();
		return (status != null && status.getMessage() != null) ? status.getMessage() : "no reason given";
	}

	private static String causes(KubernetesClientException ex) {
		Status status = ex.getStatus();
		if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null
				&& !status.getDetails().getCauses().isEmpty()) {
			return status.getDetails().getCauses().stream()
				.map((c) -> ((c.getField() != null) ? c.getField() + ": " : "") + c.getMessage())
				.collect(Collectors.joining("; "));
		}
		return statusMessage(ex);
	}

	// --- kinds and the plan's basis -----------------------------------------------------------------------------

	/** The kinds Portcullis publishes, as the API server serves them. */
	enum PolicyKind {

		CNP("CiliumNetworkPolicy", "cilium.io", "v2", "ciliumnetworkpolicies", true, true),
		CCNP("CiliumClusterwideNetworkPolicy", "cilium.io", "v2", "ciliumclusterwidenetworkpolicies", false, true),
		NP("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", true, false);

		static final String CILIUM_GROUP_VERSION = "cilium.io/v2";

		final String kind;

		final ResourceDefinitionContext context;

		final boolean cilium;

		PolicyKind(String kind, String group, String version, String plural, boolean namespaced, boolean cilium) {
			this.kind = kind;
			this.context = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
				.withPlural(plural).withNamespaced(namespaced).build();
			this.cilium = cilium;
		}

		static PolicyKind of(String kind) {
			for (PolicyKind k : values()) {
				if (k.kind.equals(kind)) {
					return k;
				}
			}
			throw new PublishFailure("cannot publish the kind " + kind + " to Kubernetes");
		}

	}

	/** The resource version per object to delete, as {@link #plan} wrote it into {@link Plan#basis()}. */
	static Map<String, String> planned(@Nullable String basis) {
		if (basis == null || basis.isBlank()) {
			return Map.of();
		}
		try {
			return JSON.readValue(basis, new TypeReference<Map<String, String>>() {
			});
		}
		catch (RuntimeException ex) {
			throw new PublishFailure("the plan's basis cannot be read; plan again");
		}
	}

}
