package dev.portcullis.engine.doc;

import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class NodePathTests {

	private static final Node DOCUMENT = YamlReader.read("""
			items:
			- spec:
			    ingress:
			    - fromEndpoints: []
			      toPorts:
			      - ports: [{port: "80"}]
			""").documents().get(0);

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			items[0].spec                          | 2 | 3
			items[0].spec.ingress[0]               | 4 | 7
			items[0].spec.ingress[0].fromEndpoints | 4 | 7
			items[0].spec.ingress[0].toPorts[0]    | 6 | 9
			items[0].spec.ingress[0].toPorts[0].ports[0].port | 6 | 18
			items[0].spec.ingress[3]               | 3 | 5
			items[0].spec.egress                   | 2 | 3
			''                                     | 1 | 1
			""")
	void findShouldGiveTheDeepestExistingSegmentsPosition(String path, int line, int column) {
		Position at = NodePath.find(DOCUMENT, path);
		assertThat(at).isEqualTo(new Position(line, column));
	}

}
