package dev.portcullis.engine.inventory;

import java.util.List;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InventoryReaderTests {

	private static InventoryReadResult read(String text) {
		YamlDocuments documents = YamlReader.read(text);
		assertThat(documents.errors()).isEmpty();
		return InventoryReader.read(documents.documents());
	}

	@Test
	void readWhenKubectlListShouldKeepOnlyTheFieldsTheEngineNeeds() {
		InventoryReadResult result = read("""
				apiVersion: v1
				kind: List
				items:
				- apiVersion: v1
				  kind: Service
				  metadata: {name: cart, namespace: shop, labels: {tier: backend}, uid: abc, resourceVersion: "7"}
				  spec:
				    selector: {app: cart}
				    clusterIP: 10.96.0.10
				    clusterIPs: [10.96.0.10, "fd00::10"]
				    ports: [{name: http, port: 80, targetPort: http-api}, {port: 53, protocol: UDP}]
				- {apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {team: web}}}
				- apiVersion: v1
				  kind: Node
				  metadata: {name: worker-1, labels: {node-role: worker}}
				  status: {addresses: [{type: Hostname, address: worker-1}, {type: InternalIP, address: 172.18.0.3}]}
				- apiVersion: cilium.io/v2alpha1
				  kind: CiliumCIDRGroup
				  metadata: {name: partners}
				  spec: {externalCIDRs: [192.0.2.0/24]}
				- apiVersion: apps/v1
				  kind: Deployment
				  metadata: {name: cart, namespace: shop}
				  spec:
				    template:
				      metadata: {labels: {app: cart}}
				      spec: {containers: [{name: c, ports: [{name: http-api, containerPort: 8080}]}]}
				- apiVersion: v1
				  kind: Pod
				  metadata: {name: cart-1, namespace: shop, labels: {app: cart}}
				  spec: {nodeName: worker-1, containers: [{name: c, ports: [{name: http-api, containerPort: 8080}]}]}
				  status: {podIP: 10.0.1.5, podIPs: [{ip: 10.0.1.5}]}
				- {apiVersion: v1, kind: ConfigMap, metadata: {name: x, namespace: shop}}
				""");
		assertThat(result.errors()).isEmpty();
		Inventory inventory = result.inventory();
		assertThat(inventory).isNotNull();
		assertThat(inventory.services()).containsExactly(new Inventory.Service("shop", "cart",
				java.util.Map.of("tier", "backend"), java.util.Map.of("app", "cart"), "ClusterIP",
				List.of("10.96.0.10", "fd00::10"), List.of(new Inventory.ServicePort("http", 80, "http-api", "TCP"),
						new Inventory.ServicePort("", 53, "53", "UDP"))));
		assertThat(inventory.nodes().get(0).internalIps()).containsExactly("172.18.0.3");
		assertThat(inventory.cidrGroups().get(0).externalCidrs()).containsExactly("192.0.2.0/24");
		assertThat(inventory.workloads().get(0).ports()).containsExactly(new Inventory.ContainerPort("http-api", 8080, "TCP"));
		assertThat(inventory.pods().get(0).ips()).containsExactly("10.0.1.5");
		assertThat(inventory.counts()).containsEntry("Service", 1).containsEntry("Deployment", 1)
			.containsEntry("StatefulSet", 0).containsEntry("Pod", 1);
		assertThat(result.ignoredKinds()).containsEntry("ConfigMap", 1);
		assertThat(result.warnings()).singleElement().extracting(Violation::message).asString()
			.contains("ignored 1 object of kind \"ConfigMap\"");
	}

	@Test
	void readWhenPlainDocumentsShouldReadEachObject() {
		InventoryReadResult result = read("""
				apiVersion: v1
				kind: Namespace
				metadata: {name: a}
				---
				apiVersion: v1
				kind: Namespace
				metadata: {name: b}
				""");
		assertThat(result.inventory().namespaces()).extracting(Inventory.Namespace::name).containsExactly("a", "b");
	}

	@Test
	void readWhenAnyObjectIsWrongShouldRefuseAllWithPathLineAndColumn() {
		InventoryReadResult result = read("""
				apiVersion: v1
				kind: List
				items:
				- {apiVersion: v1, kind: Namespace, metadata: {name: fine}}
				- apiVersion: v1
				  kind: Service
				  metadata: {name: cart, namespace: shop}
				  spec:
				    ports:
				    - port: "eighty"
				- apiVersion: v1
				  kind: Pod
				  metadata: {name: p}
				""");
		assertThat(result.inventory()).as("all or nothing").isNull();
		assertThat(result.errors()).extracting(Violation::path, Violation::line, Violation::column)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("items[1].spec.ports[0].port", 10, 13),
					org.assertj.core.groups.Tuple.tuple("items[2].metadata.namespace", 13, 13));
		assertThat(result.errors().get(0).message()).contains("must be a number from 1 to 65535").contains("eighty");
	}

	@Test
	void readWhenAddressesOrCidrsDoNotParseShouldSayWhich() {
		InventoryReadResult result = read("""
				- not an object
				""");
		assertThat(result.errors()).singleElement().extracting(Violation::message).asString()
			.contains("not a Kubernetes object");
		result = read("""
				apiVersion: cilium.io/v2alpha1
				kind: CiliumCIDRGroup
				metadata: {name: g}
				spec: {externalCIDRs: [192.0.2.0/33]}
				---
				apiVersion: v1
				kind: Node
				metadata: {name: n}
				status: {addresses: [{type: InternalIP, address: 300.1.1.1}]}
				---
				apiVersion: v1
				kind: Namespace
				metadata: {name: n2}
				---
				apiVersion: v1
				kind: Namespace
				metadata: {name: n2}
				""");
		assertThat(result.errors()).extracting(Violation::document, Violation::path).containsExactly(
				org.assertj.core.groups.Tuple.tuple(0, "spec.externalCIDRs[0]"),
				org.assertj.core.groups.Tuple.tuple(1, "status.addresses[0].address"),
				org.assertj.core.groups.Tuple.tuple(3, "metadata.name"));
		assertThat(result.errors().get(2).message()).contains("appears twice");
	}

	@Test
	void readWhenEmptyShouldGiveAnEmptyInventory() {
		InventoryReadResult result = read("");
		assertThat(result.inventory()).isEqualTo(Inventory.EMPTY);
	}

}
