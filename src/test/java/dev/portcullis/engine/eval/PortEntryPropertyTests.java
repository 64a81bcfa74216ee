package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.eval.CompiledEntry.PortEntry;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.flow.Flow.NamedPort;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's port entries against a brute-force model of how Cilium's datapath covers a port rule: the policy
 * map holds one key per masked port (pkg/policy/portrange.go {@code PortRangeToMaskedPorts}, called by
 * pkg/policy/l4.go {@code toMapState} with the numeric port, or the port a name resolves to, and the rule's
 * {@code endPort}), and a destination port is covered when {@code port & mask == maskedPort}. The model builds
 * the masked ports its own way (greedy aligned power-of-two blocks) from the facts of that function: port 0 with
 * endPort 0 or 65535 is the single wildcard key, an endPort not above the port is the single port.
 */
class PortEntryPropertyTests {

	private static final Endpoint NO_NAMES = new Endpoint("default", List.of(), null, null, List.of());

	@Property(tries = 2000)
	void numericPortShouldCoverWhatTheMaskedPortsCover(@ForAll("ports") int port, @ForAll("ports") int endPort,
			@ForAll("ports") int probe) {
		PortEntry entry = PolicyCompiler.port("ports[0]", 0, new PortProtocol(Integer.toString(port), endPort,
				Protocol.TCP));
		List<int[]> masked = maskedPorts(port, endPort);
		for (int candidate : probes(port, endPort, probe)) {
			assertThat(entry.matches(Protocol.TCP, candidate, NO_NAMES)).as("port %d endPort %d probe %d", port,
					endPort, candidate).isEqualTo(covered(masked, candidate));
		}
	}

	@Property(tries = 2000)
	void namedPortShouldCoverTheMaskedPortsOfItsResolvedPort(@ForAll @IntRange(min = 1, max = 65535) int resolved,
			@ForAll("ports") int endPort, @ForAll("ports") int probe) {
		PortEntry entry = PolicyCompiler.port("ports[0]", 0, new PortProtocol("web", endPort, Protocol.TCP));
		Endpoint destination = new Endpoint("default", List.of(), null, null,
				List.of(new NamedPort("web", resolved, Protocol.TCP)));
		List<int[]> masked = maskedPorts(resolved, endPort);
		for (int candidate : probes(resolved, endPort, probe)) {
			assertThat(entry.matches(Protocol.TCP, candidate, destination)).as("web=%d endPort %d probe %d", resolved,
					endPort, candidate).isEqualTo(covered(masked, candidate));
			assertThat(entry.matches(Protocol.TCP, candidate, NO_NAMES)).as("a pod without the name").isFalse();
			assertThat(entry.matches(Protocol.UDP, candidate, destination)).as("another protocol").isFalse();
		}
	}

	@Property(tries = 300)
	void modelShouldBeAlignedBlocksWithoutGaps(@ForAll("ports") int port, @ForAll("ports") int endPort) {
		List<int[]> masked = maskedPorts(port, endPort);
		int covered = 0;
		for (int p = 0; p <= 65535; p++) {
			covered += covered(masked, p) ? 1 : 0;
		}
		int expected = (port == 0 && (endPort == 0 || endPort == 65535)) ? 65536
				: (endPort <= port) ? 1 : endPort - port + 1;
		assertThat(covered).isEqualTo(expected);
	}

	@Provide
	Arbitrary<Integer> ports() {
		return Arbitraries.oneOf(Arbitraries.integers().between(0, 65535),
				Arbitraries.of(0, 1, 2, 15, 16, 31, 32, 80, 443, 1023, 1024, 8080, 32767, 32768, 65534, 65535));
	}

	/** Boundaries of the range and one arbitrary port. */
	private static int[] probes(int port, int endPort, int probe) {
		return java.util.stream.IntStream.of(0, 1, port - 1, port, port + 1, endPort - 1, endPort, endPort + 1, 65535,
				probe).filter((p) -> p >= 0 && p <= 65535).toArray();
	}

	private static boolean covered(List<int[]> masked, int destinationPort) {
		for (int[] key : masked) {
			if ((destinationPort & key[1]) == key[0]) {
				return true;
			}
		}
		return false;
	}

	/** {port, mask} keys: the largest aligned power-of-two blocks from the start port up to the end port. */
	private static List<int[]> maskedPorts(int start, int end) {
		List<int[]> keys = new ArrayList<>();
		if (start == 0 && (end == 0 || end == 65535)) {
			keys.add(new int[] { 0, 0 });
			return keys;
		}
		if (end <= start) {
			keys.add(new int[] { start, 0xffff });
			return keys;
		}
		int next = start;
		while (next <= end) {
			int bits = 0;
			while (bits < 16 && next % (1 << (bits + 1)) == 0 && next + (1 << (bits + 1)) - 1 <= end) {
				bits++;
			}
			keys.add(new int[] { next, (0xffff << bits) & 0xffff });
			next += 1 << bits;
		}
		return keys;
	}

}
