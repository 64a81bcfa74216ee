package dev.portcullis.flow;

import java.util.List;

import dev.portcullis.engine.flow.Flow.Endpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkloadsTests {

	private static Endpoint endpoint(String namespace, String pod, String... labels) {
		return new Endpoint(namespace, List.of(labels), pod, null, List.of());
	}

	@Test
	void podWithoutItsNameShouldBeNamedAfterItsLabelsLikeThePodsThemselves() {
		assertThat(Workloads.of(endpoint("bookinfo", "productpage-v1-6b746f74dc-9rcxx", "k8s:app=productpage")))
			.isEqualTo("bookinfo/productpage-v1");
		assertThat(Workloads.of(endpoint("bookinfo", null, "k8s:app=productpage", "k8s:version=v1",
				"k8s:io.kubernetes.pod.namespace=bookinfo"))).isEqualTo("bookinfo/productpage-v1");
		assertThat(Workloads.of(endpoint("kube-system", null, "k8s:k8s-app=kube-dns"))).isEqualTo("kube-system/kube-dns");
		assertThat(Workloads.of(endpoint("shop", null, "k8s:io.kubernetes.pod.namespace=shop")))
			.isEqualTo("shop/(unknown workload)");
		assertThat(Workloads.of(endpoint(null, null, "reserved:world"))).isEqualTo("reserved:world");
	}

}
