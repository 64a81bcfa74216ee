package dev.portcullis.replay.recommend;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.portcullis.flow.query.WorkloadTuples.Side;
import dev.portcullis.flow.query.WorkloadTuples.Tuple;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The recommender on hand-made groups: label hygiene, selectors that tell workloads apart, determinism, L7. */
class RecommenderTests {

	static final Instant T = Instant.parse("2026-12-05T01:00:00Z");

	static Side pod(String namespace, String workload, String... labels) {
		List<String> all = new ArrayList<>(List.of(labels));
		all.add("k8s:io.kubernetes.pod.namespace=" + namespace);
		all.add("k8s:io.cilium.k8s.policy.cluster=default");
		Collections.sort(all);
		return new Side(namespace, namespace + "/" + workload, all, null);
	}

	static Tuple tcp(Side from, Side to, int port, String verdict) {
		return new Tuple(from, to, List.of(), "TCP", port, -1, verdict, false, null, null, null, null, null, null, 3, T,
				T.plusSeconds(60));
	}

	static Tuple http(Side from, Side to, String method, String url) {
		return new Tuple(from, to, List.of(), "TCP", 9080, -1, "FORWARDED", false, method, url, "HTTP/1.1", null, null,
				null, 1, T, T);
	}

	final Side productpage = pod("bookinfo", "productpage-v1", "k8s:app=productpage", "k8s:version=v1",
			"k8s:pod-template-hash=6b746f74dc", "k8s:io.cilium.k8s.policy.serviceaccount=bookinfo-productpage");

	final Side reviews1 = pod("bookinfo", "reviews-v1", "k8s:app=reviews", "k8s:version=v1",
			"k8s:pod-template-hash=545db77b95");

	final Side reviews2 = pod("bookinfo", "reviews-v2", "k8s:app=reviews", "k8s:version=v2",
			"k8s:pod-template-hash=7bf8c9648f");

	final Side db = pod("data", "db", "k8s:app=db", "k8s:controller-revision-hash=db-5d8c7",
			"k8s:statefulset.kubernetes.io/pod-name=db-0");

	@Test
	void selectorsShouldUseStableLabelsOnlyAndTellWorkloadsApart() {
		Recommender.Draft draft = Recommender.recommend(List.of(tcp(this.productpage, this.reviews1, 9080, "FORWARDED"),
				tcp(this.productpage, this.reviews2, 9080, "FORWARDED"), tcp(this.reviews1, this.db, 5432, "FORWARDED")),
				false, "default");
		assertThat(draft.yaml()).doesNotContain("pod-template-hash").doesNotContain("controller-revision-hash")
			.doesNotContain("statefulset.kubernetes.io/pod-name").doesNotContain("serviceaccount")
			.doesNotContain("-0\n");
		assertThat(draft.policies()).extracting(Recommender.PolicyDraft::policy).containsExactly(
				"CiliumNetworkPolicy/bookinfo/recommended-productpage-v1",
				"CiliumNetworkPolicy/bookinfo/recommended-reviews-v1",
				"CiliumNetworkPolicy/bookinfo/recommended-reviews-v2", "CiliumNetworkPolicy/data/recommended-db");
		// reviews-v1 and v2 share app=reviews: version tells them apart; productpage needs only app
		assertThat(draft.policies().get(1).selector()).containsExactly(java.util.Map.entry("app", "reviews"),
				java.util.Map.entry("version", "v1"));
		assertThat(draft.policies().get(0).selector()).containsExactly(java.util.Map.entry("app", "productpage"));
		// a peer in another namespace names it
		assertThat(draft.yaml()).contains("""
				  egress:
				  # 3 flows to data/db, 2026-12-05 01:00:00 to 2026-12-05 01:01:00 UTC
				  - toEndpoints:
				    - matchLabels:
				        app: db
				        "k8s:io.kubernetes.pod.namespace": data
				    toPorts:
				    - ports:
				      - port: "5432"
				        protocol: TCP
				""");
	}

	@Test
	void draftShouldNotDependOnTheOrderOfItsGroups() {
		List<Tuple> tuples = new ArrayList<>(List.of(tcp(this.productpage, this.reviews1, 9080, "FORWARDED"),
				tcp(this.productpage, this.reviews2, 9080, "FORWARDED"), tcp(this.reviews1, this.db, 5432, "FORWARDED"),
				http(this.productpage, this.reviews1, "GET", "http://reviews:9080/reviews/1")));
		String first = Recommender.recommend(tuples, true, "default").toString();
		Collections.reverse(tuples);
		assertThat(Recommender.recommend(tuples, true, "default").toString()).isEqualTo(first);
	}

	@Test
	void onlyFlowsThatGotThroughShouldJustifyRules() {
		Recommender.Draft draft = Recommender.recommend(List.of(tcp(this.productpage, this.db, 5432, "DROPPED")), false,
				"default");
		assertThat(draft.yaml()).isEmpty();
		assertThat(draft.notes()).first().asString().startsWith("No flow in the window got through");
	}

	@Test
	void l7ShouldAllowTheRequestsSeenWithIdentifiersGeneralisedOnTheReceivingSide() {
		Recommender.Draft draft = Recommender.recommend(List.of(
				http(this.productpage, this.reviews1, "GET", "http://reviews:9080/reviews/1"),
				http(this.productpage, this.reviews1, "GET", "http://reviews:9080/reviews/27"),
				http(this.productpage, this.reviews1, "POST", "http://reviews:9080/ratings")), true, "default");
		assertThat(draft.yaml()).contains("""
				      rules:
				        http:
				        - method: GET
				          path: "/reviews/[0-9]+"
				        - method: POST
				          path: /ratings
				""");
		assertThat(draft.patterns()).singleElement().satisfies((p) -> {
			assertThat(p.regex()).isEqualTo("/reviews/[0-9]+");
			assertThat(p.examples()).containsExactly("/reviews/1", "/reviews/27");
		});
		Recommender.RuleDraft ingress = draft.rules().stream().filter((r) -> r.path().startsWith("spec.ingress"))
			.findFirst().orElseThrow();
		assertThat(ingress.l7()).containsExactly("GET /reviews/[0-9]+", "POST /ratings");
		assertThat(ingress.flows()).isEqualTo(3);
		assertThat(ingress.justifiedBy()).hasSize(3);
	}

	@Test
	void worldDestinationsShouldBeFqdnsWithTheDnsRuleOrCidrs() {
		Side world = new Side(null, "reserved:world", List.of("reserved:world"), "203.0.113.7");
		Tuple named = new Tuple(this.productpage, world, List.of("api.example.com."), "TCP", 443, -1, "FORWARDED",
				false, null, null, null, null, null, null, 5, T, T);
		Tuple bare = new Tuple(this.productpage, new Side(null, "reserved:world", List.of("reserved:world"),
				"198.51.100.1"), List.of(), "TCP", 443, -1, "FORWARDED", false, null, null, null, null, null, null, 5, T, T);
		Recommender.Draft draft = Recommender.recommend(List.of(named, bare), false, "default");
		assertThat(draft.yaml()).contains("- toFQDNs:\n    - matchName: api.example.com\n")
			.contains("- toCIDR:\n    - \"198.51.100.1/32\"\n")
			.contains("k8s-app: kube-dns").contains("- matchPattern: \"*\"");
	}

}
