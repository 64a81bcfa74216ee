package dev.portcullis.policy;

import java.util.List;

import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.yaml.YamlLimits;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Bundle}: objects of a stream, each validated on its own, with the text each was written as. */
class BundleTests {

	@Test
	void documentTextsShouldSplitAtSeparatorLines() {
		assertThat(Bundle.documentTexts("a: 1\n---\nb: 2\n", 2)).containsExactly("a: 1\n", "b: 2\n");
		assertThat(Bundle.documentTexts("---\na: 1\n--- \nb: 2\n...\n", 2)).containsExactly("a: 1\n", "b: 2\n");
		assertThat(Bundle.documentTexts("# header\n---\na: 1\n", 1)).containsExactly("a: 1\n");
		assertThat(Bundle.documentTexts("a: |\n  ---x\n", 1)).containsExactly("a: |\n  ---x\n");
		assertThat(Bundle.documentTexts("a: 1\n", 2)).isNull();
	}

	@Test
	void readShouldKeepEachTopLevelObjectsTextAndExpandLists() {
		String first = PolicyFixtures.cnp("default", "web", "web", 80);
		String list = "apiVersion: v1\nkind: List\nitems:\n- " + PolicyFixtures.ccnp("all").replace("\n", "\n  ").strip() + "\n";
		Bundle bundle = Bundle.read(first + "---\n" + list, YamlLimits.DEFAULTS, CiliumVersion.DEFAULT);
		assertThat(bundle.acceptable()).isTrue();
		assertThat(bundle.entries()).extracting(Bundle.Entry::document).containsExactly(0, 1);
		assertThat(bundle.entries()).extracting(Bundle.Entry::item).containsExactly(null, 0);
		assertThat(bundle.entries().get(0).parsed().yaml()).isEqualTo(first);
		assertThat(bundle.entries().get(1).parsed().yaml()).isEqualTo(bundle.entries().get(1).parsed().canonical());
	}

	@Test
	void readShouldReportListItemViolationsWithTheirPathInTheList() {
		String list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: cilium.io/v2\n  kind: CiliumNetworkPolicy\n"
				+ "  metadata: {name: x, namespace: default}\n  spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: "
				+ "[{port: \"99999\"}]}]}]}\n";
		Bundle bundle = Bundle.read(list, YamlLimits.DEFAULTS, CiliumVersion.DEFAULT);
		assertThat(bundle.acceptable()).isFalse();
		assertThat(bundle.entries().get(0).violations()).anySatisfy((v) -> {
			assertThat(v.path()).startsWith("items[0].spec.ingress[0].toPorts[0].ports[0]");
			assertThat(v.line()).isEqualTo(7);
		});
	}

	@Test
	void emptyBundlesShouldNotBeAcceptable() {
		Bundle bundle = Bundle.read("# nothing\n", YamlLimits.DEFAULTS, CiliumVersion.DEFAULT);
		assertThat(bundle.acceptable()).isFalse();
		assertThat(bundle.problems()).extracting(dev.portcullis.engine.doc.Violation::message)
			.isEqualTo(List.of("The bundle holds no policy objects."));
	}

}
