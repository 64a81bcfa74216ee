package dev.portcullis.policy;

import dev.portcullis.engine.api.PolicyKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link PolicyCursor}: where a page of the policy list ends, as text. */
class PolicyCursorTests {

	@Test
	void cursorsShouldRoundTripAndRefuseGarbage() {
		PolicyKey key = new PolicyKey(PolicyKind.NETWORK_POLICY, "data", "db");
		assertThat(PolicyCursor.parse(new PolicyCursor(key).text()).after()).isEqualTo(key);
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyCursor.parse("!!"))
			.isInstanceOf(StoreException.BadRequest.class);
	}

	@Test
	void cursorShouldBeUrlSafeTextWithoutPadding() {
		String text = new PolicyCursor(new PolicyKey(PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY, "", "all")).text();
		assertThat(text).matches("[A-Za-z0-9_-]+");
	}

}
