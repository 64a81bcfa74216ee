package dev.portcullis.policy.editor;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import dev.portcullis.engine.describe.BriefExamples;
import dev.portcullis.engine.describe.PolicyGraph;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

class GraphSvgTests {

	private static Document xml(String svg) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setNamespaceAware(true);
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
		return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void renderShouldBeAnAccessibleImageWithTheSummaryAsItsDescription() throws Exception {
		String svg = GraphSvg.render(PolicyGraph.of(BriefExamples.parse(BriefExamples.HTTP)), "Pods app=service accept TCP 80.");
		Document document = xml(svg);
		Element root = document.getDocumentElement();
		assertThat(root.getLocalName()).isEqualTo("svg");
		assertThat(root.getAttribute("role")).isEqualTo("img");
		assertThat(root.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("Policy graph");
		assertThat(root.getElementsByTagName("desc").item(0).getTextContent()).isEqualTo("Pods app=service accept TCP 80.");
		assertThat(svg).contains("env=prod pods", "Pods app=service in default", "TCP 80: GET /public",
				"ingress default-deny · egress open");
	}

	@Test
	void renderShouldDrawDenyEdgesRedAndDashed() {
		String svg = GraphSvg.render(PolicyGraph.of(BriefExamples.parse("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: deny-world, namespace: shop}
				spec:
				  endpointSelector: {matchLabels: {app: db}}
				  egressDeny:
				  - toEntities: [world]
				""")), "d");
		assertThat(svg).contains("stroke=\"#b91c1c\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"",
				"marker-end=\"url(#policy-graph-deny)\"", ">deny all traffic<");
	}

	@Test
	void renderShouldKeepMarkupInLabelsAsTextAndUseNoStyleScriptOrExternalReference() throws Exception {
		String hostile = BriefExamples.HTTP.replace("path: /public", "path: \"/<script>alert('1')</script>&x\\u0001\"");
		String svg = GraphSvg.render(PolicyGraph.of(BriefExamples.parse(hostile)), "<script>alert(2)</script>");
		Document document = xml(svg);
		assertThat(document.getElementsByTagName("script").getLength()).isZero();
		assertThat(document.getElementsByTagName("style").getLength()).isZero();
		assertThat(document.getElementsByTagName("desc").item(0).getTextContent()).isEqualTo("<script>alert(2)</script>");
		assertThat(svg).doesNotContain("<script", "style=", "href", "javascript:", "\u0001")
			.contains("&lt;script&gt;", "&amp;x", "alert(&#39;1&#39;)");
		NodeList titles = document.getElementsByTagName("title");
		boolean whole = false;
		for (int i = 0; i < titles.getLength(); i++) {
			whole |= titles.item(i).getTextContent().contains("/<script>alert('1')</script>&x\uFFFD");
		}
		assertThat(whole).as("the full label, as text, in a tooltip").isTrue();
		for (String url : List.of(svg.split("url\\(")).subList(1, svg.split("url\\(").length)) {
			assertThat(url).startsWith("#policy-graph-");
		}
	}

	@Test
	void renderWhenNoPoliciesShouldSaySo() throws Exception {
		String svg = GraphSvg.render(PolicyGraph.of(List.of()), "No policies.");
		assertThat(xml(svg).getDocumentElement().getTextContent()).contains("No policy selects any endpoint.");
	}

}
