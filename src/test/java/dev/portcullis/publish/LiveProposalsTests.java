package dev.portcullis.publish;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which live objects become drafts of the proposed change: those that differ from what was published (server-set
 * fields aside), those nobody published, and deletions for published objects that are gone.
 */
class LiveProposalsTests {

	private static final String WEB = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n"
			+ "  namespace: default\nspec:\n  endpointSelector:\n    matchLabels:\n      app: web\n";

	@Test
	void differencesShouldKeepChangedAndUnpublishedObjectsAndDeleteGoneOnes() {
		List<DesiredObject> published = List.of(object("web", WEB), object("db", WEB.replace("web", "db")),
				object("api", WEB.replace("web", "api")));
		List<LiveObject> live = List.of(
				new LiveObject("CiliumNetworkPolicy", "default", "web",
						WEB.replace("  namespace: default\n", "  namespace: default\n  resourceVersion: \"7\"\n")),
				new LiveObject("CiliumNetworkPolicy", "default", "db", WEB.replace("web", "db").replace("app: db",
						"app: db-v2")),
				new LiveObject("CiliumNetworkPolicy", "default", "api", null),
				new LiveObject("CiliumNetworkPolicy", "default", "extra", WEB.replace("web", "extra")));
		LiveProposals.Differences differences = LiveProposals.differences(published, live);
		assertThat(differences.refs()).containsExactly("CiliumNetworkPolicy/default/db",
				"CiliumNetworkPolicy/default/api", "CiliumNetworkPolicy/default/extra");
		assertThat(differences.changes()).hasSize(2);
		assertThat(differences.changes().get(0)).contains("app: db-v2");
		assertThat(differences.deletes()).singleElement()
			.satisfies((key) -> assertThat(key.name()).isEqualTo("api"));
	}

	@Test
	void differencesShouldBeEmptyWhenTheTargetHoldsWhatWasPublished() {
		LiveProposals.Differences differences = LiveProposals.differences(List.of(object("web", WEB)),
				List.of(new LiveObject("CiliumNetworkPolicy", "default", "web", WEB)));
		assertThat(differences.changes()).isEmpty();
		assertThat(differences.deletes()).isEmpty();
	}

	@Test
	void aPolicyProposedInAnUnmergedPullRequestShouldDifferOnlyWhenTheBranchHoldsNeitherTheProposalNorWhatItHeld() {
		String merged = WEB;
		String proposedWeb = WEB.replace("app: web", "app: web-v2");
		String edited = WEB.replace("app: web", "app: web-edited");
		List<DesiredObject> published = List.of(object("web", proposedWeb), object("new", WEB.replace("web", "new")));
		List<Publications.Pending> pending = List.of(
				new Publications.Pending("CiliumNetworkPolicy", "default", "new", WEB.replace("web", "new"), null,
						"https://github.example/acme/ops/pull/3"),
				new Publications.Pending("CiliumNetworkPolicy", "default", "old", null, WEB.replace("web", "old"),
						"https://github.example/acme/ops/pull/3"),
				new Publications.Pending("CiliumNetworkPolicy", "default", "web", proposedWeb, merged,
						"https://github.example/acme/ops/pull/3"));
		// the branch still holds what it held: web as merged, no file for the new policy, the old one still there
		List<LiveObject> unmerged = List.of(new LiveObject("CiliumNetworkPolicy", "default", "web", merged),
				new LiveObject("CiliumNetworkPolicy", "default", "new", null),
				new LiveObject("CiliumNetworkPolicy", "default", "old", WEB.replace("web", "old")));
		assertThat(LiveProposals.differences(published, unmerged, pending).refs()).isEmpty();
		// without the proposals, the same branch would be proposed back as a change
		assertThat(LiveProposals.differences(published, unmerged).refs()).hasSize(3);
		// someone edited web on the branch: that is a difference
		List<LiveObject> editedBranch = List.of(new LiveObject("CiliumNetworkPolicy", "default", "web", edited),
				new LiveObject("CiliumNetworkPolicy", "default", "new", null));
		assertThat(LiveProposals.differences(published, editedBranch, pending).changes()).singleElement().asString()
			.contains("app: web-edited");
	}

	private static DesiredObject object(String name, String yaml) {
		return Desired.of("CiliumNetworkPolicy", "default", name, yaml);
	}

}
