package dev.portcullis.flow.web;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class FlowRowViewTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
			bookinfo/productpage-v1-6b746f74dc-x2x4z | bookinfo/,productpage-,v1-,6b746f74dc-,x2x4z
			kube-system/coredns-5d78c9869d-abcde     | kube-,system/,coredns-,5d78c9869d-,abcde
			reserved:world 10.0.0.1                  | reserved:world 10.0.0.1
			10.244.0.12                              | 10.244.0.12
			default/                                 | default/
			a--b                                     | a-,-,b
			-x                                       | -,x
			''                                       | ''
			""")
	void wrapPointsShouldCutAfterEachSlashAndDashAndJoinBackToTheName(String name, String expected) {
		List<String> parts = FlowRowView.wrapPoints(name);
		assertThat(String.join("", parts)).isEqualTo(name);
		assertThat(String.join(",", parts)).isEqualTo(expected);
	}

}
