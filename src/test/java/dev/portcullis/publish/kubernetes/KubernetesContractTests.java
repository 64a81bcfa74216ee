package dev.portcullis.publish.kubernetes;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import dev.portcullis.publish.Applied;
import dev.portcullis.publish.DesiredObject;
import dev.portcullis.publish.Drift;
import dev.portcullis.publish.ObjectResult;
import dev.portcullis.publish.ObjectResult.Outcome;
import dev.portcullis.publish.Plan;
import dev.portcullis.publish.PlanItem;
import dev.portcullis.publish.PlanItem.Action;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import dev.portcullis.publish.kubernetes.KubernetesAdapter.PolicyKind;

import static dev.portcullis.publish.kubernetes.KubernetesAdapterTests.cnp;
import static dev.portcullis.publish.kubernetes.KubernetesAdapterTests.publication;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kubernetes adapter against a real cluster with Cilium installed: runs only when {@code KUBECONFIG} names a
 * kubeconfig (its current context is used; README, "Publishing to Kubernetes"). Works in a namespace of its own,
 * {@code portcullis-contract-<time>}, which it deletes afterwards; needs rights to create and delete namespaces
 * and CiliumNetworkPolicies.
 */
@EnabledIfEnvironmentVariable(named = "KUBECONFIG", matches = ".+")
class KubernetesContractTests {

	private static final String NAMESPACE = "portcullis-contract-" + System.currentTimeMillis();

	private static KubernetesClient client;

	private static Target target;

	private final KubernetesAdapter adapter = new KubernetesAdapter();

	@BeforeAll
	static void connect() throws IOException {
		Config config = Config.fromKubeconfig(new File(System.getenv("KUBECONFIG").split(File.pathSeparator)[0]));
		Map<String, String> settings = new HashMap<>(Map.of("server", config.getMasterUrl()));
		Map<String, String> credentials = new HashMap<>();
		String ca = data(config.getCaCertData(), config.getCaCertFile());
		if (ca != null) {
			settings.put("caData", ca);
		}
		if (config.getOauthToken() != null || config.getAutoOAuthToken() != null) {
			settings.put("auth.type", "token");
			credentials.put("token", (config.getOauthToken() != null) ? config.getOauthToken() : config.getAutoOAuthToken());
		}
		else {
			settings.put("auth.type", "clientCertificate");
			credentials.put("clientCertificate", data(config.getClientCertData(), config.getClientCertFile()));
			credentials.put("clientKey", data(config.getClientKeyData(), config.getClientKeyFile()));
		}
		target = new Target("contract", "cluster", "kubernetes", settings, credentials);
		client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
		client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
			.create();
	}

	@AfterAll
	static void cleanUp() {
		if (client != null) {
			client.namespaces().withName(NAMESPACE).delete();
			client.close();
		}
	}

	private static String data(String data, String file) throws IOException {
		if (data != null) {
			return data;
		}
		return (file == null) ? null : Files.readString(Path.of(file), StandardCharsets.UTF_8);
	}

	@Test
	void publishChangeDriftAndWithdrawAPolicy() {
		this.adapter.check(target);
		DesiredObject web = cnp(NAMESPACE, "web", 80);

		Plan first = this.adapter.plan(target, List.of(web));
		assertThat(first.items()).extracting(PlanItem::action).containsExactly(Action.CREATE);
		assertThat(client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace(NAMESPACE).withName("web").get())
			.as("a plan is a dry run").isNull();
		Applied applied = this.adapter.apply(target, first, publication(false));
		assertThat(applied.results()).extracting(ObjectResult::outcome).containsExactly(Outcome.CREATED);
		assertThat(this.adapter.plan(target, List.of(web)).unchanged()).isTrue();

		DesiredObject changed = cnp(NAMESPACE, "web", 8080);
		Plan update = this.adapter.plan(target, List.of(changed));
		assertThat(update.items()).extracting(PlanItem::action).containsExactly(Action.UPDATE);
		assertThat(update.items().get(0).diff()).contains("8080");
		this.adapter.apply(target, update, publication(false));
		assertThat(this.adapter.drift(target, List.of(changed))).isEmpty();

		client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace(NAMESPACE).withName("web").edit((live) -> {
			@SuppressWarnings("unchecked")
			Map<String, Object> spec = (Map<String, Object>) live.getAdditionalProperties().get("spec");
			spec.put("description", "opened by hand");
			return live;
		});
		List<Drift> drift = this.adapter.drift(target, List.of(changed));
		assertThat(drift).extracting(Drift::field).containsExactly("spec.description");
		assertThat(drift.get(0).manager()).isNotNull().isNotEqualTo("portcullis");

		Plan withdraw = this.adapter.plan(target, List.of());
		assertThat(withdraw.items()).extracting(PlanItem::ref).contains("CiliumNetworkPolicy/" + NAMESPACE + "/web");
		this.adapter.apply(target, withdraw, publication(false));
		assertThat(client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace(NAMESPACE).withName("web").get())
			.isNull();
	}

	@Test
	void aPolicyTheApiServerRejectsFailsThePlanNamingIt() {
		assertThatThrownBy(() -> this.adapter.plan(target, List.of(cnp(NAMESPACE, "bad-port", 99999))))
			.isInstanceOf(PublishFailure.class)
			.hasMessageContaining("CiliumNetworkPolicy/" + NAMESPACE + "/bad-port")
			.hasMessageContaining("nothing was applied");
	}

	@Test
	void wrongCredentialsAreRefusedInWords() {
		Target wrong = new Target("contract", "cluster", "kubernetes", Map.of("server", target.settings().get("server"),
				"caData", target.settings().getOrDefault("caData", ""), "auth.type", "token"),
				Map.of("token", "not-a-valid-token-42"));
		assertThatThrownBy(() -> this.adapter.check(wrong)).isInstanceOf(PublishFailure.class)
			.hasMessageContaining("refused the credentials")
			.message().doesNotContain("not-a-valid-token-42");
	}

}
