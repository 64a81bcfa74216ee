package dev.portcullis.engine.match;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/** Port ranges against the plain reading of Cilium's port/endPort rules. */
class PortRangePropertyTests {

	@Property(tries = 1000)
	void containsShouldAgreeWithReference(@ForAll @IntRange(max = 65535) int port,
			@ForAll @IntRange(max = 65535) int endPort, @ForAll @IntRange(max = 65535) int probe) {
		boolean expected;
		if (port == 0 && (endPort == 0 || endPort == 65535)) {
			expected = true;
		}
		else if (endPort <= port) {
			expected = probe == port;
		}
		else {
			expected = probe >= port && probe <= endPort;
		}
		assertThat(PortRange.of(port, endPort).contains(probe)).isEqualTo(expected);
		assertThat(PortRange.of(port, endPort).contains(port)).isTrue();
	}

	@Property(tries = 500)
	void parsePortShouldReadDecimalWithoutLeadingZero(@ForAll @IntRange(min = 1, max = 65535) int port) {
		assertThat(PortRange.parsePort(Integer.toString(port))).hasValue(port);
		assertThat(PortRange.parsePort("0" + Integer.toOctalString(port))).hasValue(port);
	}

}
