package dev.portcullis.policy.web;

import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.policy.Policies;
import dev.portcullis.policy.PolicyChanges;
import dev.portcullis.policy.BundleImport;
import dev.portcullis.identity.Actor;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.portcullis.policy.PolicyFixtures.policy;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An author's day with the store's pages in Chromium: create a workspace, import a bundle (a refused one first),
 * open a policy, edit it, compare two versions, lose a race and recover, delete and restore, sign out.
 */
class StorePagesBrowserIntegrationTests extends BrowserTest {

	@Autowired
	Workspaces workspaces;

	@Autowired
	Policies policies;

	@Autowired
	PolicyChanges changes;

	@Autowired
	BundleImport imports;

	private Locator button(String name) {
		return this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

	private Locator link(String name) {
		return this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

	@Test
	void authorShouldImportEditCompareResolveAConflictDeleteRestoreAndSignOut() {
		signIn(Role.AUTHOR);
		String ws = "browser-" + UUID.randomUUID().toString().substring(0, 8);

		// create a workspace: a bad name is refused inline, a good one opens the workspace
		open("/workspaces");
		// refused htmx forms answer 422/409 with the re-rendered form (STYLE.md): expected, not failed loads
		expectFailedResponse(422, "/workspaces");
		expectFailedResponse(422, "/workspaces/" + ws + "/import");
		expectFailedResponse(422, "/workspaces/" + ws + "/policies/new");
		expectFailedResponse(409, "/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/web/edit");
		this.page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Bad Name");
		button("Create workspace").click();
		assertThat(this.page.locator("#workspace-name-error")).isVisible();
		assertThat(this.page.locator("#workspace-name")).hasAttribute("aria-invalid", "true");
		screenshot("store-workspace-name-refused");
		this.page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill(ws);
		this.page.getByLabel("Description (optional)").fill("Browser test cluster");
		button("Create workspace").click();
		this.page.waitForURL("**/workspaces/" + ws);
		assertThat(this.page.locator("h1")).hasText(ws);
		assertThat(this.page.getByText("This workspace holds no policies yet.")).isVisible();

		// import: one bad document refuses the whole bundle, with the document, line and column
		link("Import").click();
		this.page.getByLabel("Bundle (YAML)").fill(policy("web", 80) + "---\n"
				+ policy("broken", 99999));
		this.page.getByLabel("Message").fill("first try");
		button("Import").click();
		assertThat(this.page.locator("#report-heading")).hasText("Nothing was imported");
		assertThat(this.page.locator("tr.row-bad")).containsText("broken");
		assertThat(this.page.locator("tr.row-bad")).containsText("column 15");
		assertThat(this.page.getByLabel("Bundle (YAML)")).hasValue(java.util.regex.Pattern.compile("name: broken"));
		screenshot("store-import-refused");
		assertThat(this.workspaces.find(ws).block().policies()).isZero();

		this.page.getByLabel("Bundle (YAML)").fill(policy("web", 80) + "---\n"
				+ policy("db", 5432) + "---\n" + """
				apiVersion: networking.k8s.io/v1
				kind: NetworkPolicy
				metadata:
				  name: default-deny
				  namespace: shop
				spec:
				  podSelector: {}
				  policyTypes: [Ingress]
				""");
		button("Import").click();
		assertThat(this.page.locator("#report-heading")).hasText("Imported");
		assertThat(this.page.getByText("3 created, 0 updated, 0 unchanged.")).isVisible();
		screenshot("store-import-report");

		// the workspace lists them; search narrows the list through htmx
		link("Open the workspace").click();
		this.page.waitForLoadState();
		assertThat(this.page.locator("#policy-rows tr")).hasCount(3);
		this.page.getByLabel("Name or namespace").fill("we");
		assertThat(this.page.locator("#policy-rows tr")).hasCount(1);
		assertThat(this.page).hasURL(java.util.regex.Pattern.compile("q=we"));
		screenshot("store-workspace-search");

		// write a new policy: the engine's violations show inline with line and column, the text stays
		link("New policy").click();
		// the YAML pane (CodeMirror) takes the textarea's place once the editor's script has run
		assertThat(this.page.locator(".cm-editor")).isVisible();
		Locator text = this.page.getByLabel("YAML", new Page.GetByLabelOptions().setExact(true));
		text.fill(policy("cache", 99999));
		button("Save version").click();
		assertThat(this.page.locator("ul.violations")).containsText("Line 18, column 15");
		assertThat(text).hasAttribute("aria-invalid", "true");
		assertThat(this.page.locator("#policy-yaml")).hasValue(java.util.regex.Pattern.compile("99999"));
		screenshot("store-new-policy-invalid");
		text.fill(policy("cache", 6379));
		button("Save version").click();
		assertThat(this.page.getByText("Created as version 1.")).isVisible();
		link(ws).click();
		// htmx binds the live search when the page's deferred script has run
		this.page.waitForLoadState();

		// open the policy, edit it: version 2
		this.page.getByLabel("Name or namespace").fill("we");
		assertThat(this.page.locator("#policy-rows tr")).hasCount(1);
		link("web").click();
		assertThat(this.page.locator("h1")).containsText("web");
		assertThat(this.page.locator("ol.lines li").first()).hasText("apiVersion: cilium.io/v2");
		link("Edit").click();
		assertThat(this.page.locator(".cm-editor")).isVisible();
		Locator yaml = this.page.getByLabel("YAML", new Page.GetByLabelOptions().setExact(true));
		yaml.fill(policy("web", 443));
		this.page.getByLabel("Message").fill("TLS only");
		button("Save version").click();
		this.page.waitForURL("**/CiliumNetworkPolicy/shop/web?notice=updated");
		assertThat(this.page.getByText("Saved as version 2.")).isVisible();
		assertThat(this.page.locator(".history tbody tr")).hasCount(2);
		screenshot("store-policy-history");

		// compare versions 1 and 2
		button("Compare selected versions").click();
		assertThat(this.page.locator("h1")).containsText("version 1 → 2");
		assertThat(this.page.locator("tr.line-added")).containsText("443");
		assertThat(this.page.locator("tr.line-removed")).containsText("80");
		assertThat(this.page.locator("tr.line-added .visually-hidden")).hasText("added");
		screenshot("store-diff");

		// lose a race: someone saves version 3 while this editor is open on version 2
		link("CiliumNetworkPolicy/shop/web").click();
		link("Edit").click();
		assertThat(this.page.locator(".cm-editor")).isVisible();
		this.changes.save(ws, PolicyKey.parse("cnp", "shop", "web"), policy("web", 8443), 2,
				"someone else", Actor.SYSTEM).block();
		yaml = this.page.getByLabel("YAML", new Page.GetByLabelOptions().setExact(true));
		yaml.fill(policy("web", 9443));
		button("Save version").click();
		assertThat(this.page.getByText("Someone saved this policy while you were editing")).isVisible();
		assertThat(this.page.locator(".conflict tr.line-added")).containsText("8443");
		assertThat(this.page.locator("#policy-yaml")).hasValue(java.util.regex.Pattern.compile("9443"));
		screenshot("store-edit-conflict");
		button("Save version").click();
		this.page.waitForURL("**?notice=updated");
		assertThat(this.page.getByText("Saved as version 4.")).isVisible();

		// delete, with a confirmation step, then restore
		this.page.getByText("Delete this policy…").click();
		this.page.getByLabel("Why").fill("moving to another namespace");
		screenshot("store-delete-confirm");
		button("Delete policy").click();
		assertThat(this.page.getByText("Deleted in version 5. Restore brings it back.")).isVisible();
		assertThat(this.page.locator("h1 .badge")).hasText("deleted");
		screenshot("store-deleted");
		button("Restore").click();
		assertThat(this.page.getByText("Restored as version 6.")).isVisible();
		assertThat(this.policies.get(ws, PolicyKey.parse("cnp", "shop", "web"), null).block().deleted()).isFalse();

		// sign out
		button("Sign out").click();
		this.page.waitForURL("**/login**");
		open("/workspaces/" + ws);
		assertThat(this.page).hasURL(java.util.regex.Pattern.compile("/login"));
	}

	@Test
	void viewerShouldPageTheListSeeAPastMomentCompareMomentsAndNotSeeWriteButtons() {
		String ws = "browser-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "Sixty services", Actor.SYSTEM).block();
		String bundle = java.util.stream.IntStream.range(0, 60)
			.mapToObj((i) -> policy("svc-%02d".formatted(i), 8000 + i))
			.collect(java.util.stream.Collectors.joining("---\n"));
		this.imports.run(ws, bundle, "seed", Actor.SYSTEM).block();
		java.time.Instant seeded = this.policies.get(ws, PolicyKey.parse("cnp", "shop", "svc-00"), null).block()
			.summary().createdAt();
		java.time.Instant changed = this.changes
			.save(ws, null, policy("svc-00", 443), 1, "tls", Actor.SYSTEM).block()
			.version().summary().createdAt();
		java.time.Instant added = this.changes
			.save(ws, null, policy("late", 80), null, "new", Actor.SYSTEM).block()
			.version().summary().createdAt();
		// moments taken from the versions' recorded times, to the millisecond a datetime-local input carries:
		// "then" is the seed's millisecond (the import records its time before it writes its 60 rows), and ends
		// before svc-00 changed; "later" is at or after the last save
		java.time.Instant then = millisecondAtOrAfter(seeded);
		assertThat(changed).isAfter(then.plusNanos(999_000));
		java.time.Instant later = millisecondAtOrAfter(added);

		signIn(Role.VIEWER);
		open("/workspaces/" + ws);
		assertThat(link("New policy")).hasCount(0);
		assertThat(link("Import")).hasCount(0);
		assertThat(link("Export YAML")).isVisible();
		assertThat(this.page.locator("#policy-rows tr:not(.next-page)")).hasCount(50);
		link("Next page").click();
		assertThat(this.page.locator("#policy-rows tr:not(.next-page)")).hasCount(61);
		assertThat(link("Next page")).hasCount(0);
		screenshot("store-list-next-page");

		// the workspace as it was before "late" existed and svc-00 changed
		this.page.getByLabel("As of (UTC)").fill(input(then));
		assertThat(this.page.getByText("The workspace as it was on")).isVisible();
		assertThat(this.page).hasURL(java.util.regex.Pattern.compile("at="));
		this.page.getByLabel("Name or namespace").fill("late");
		assertThat(this.page.getByText("No policy matches.")).isVisible();
		this.page.getByLabel("Name or namespace").fill("svc-00");
		assertThat(this.page.locator("#policy-rows tr td.num").first()).hasText("1");
		screenshot("store-list-as-of");

		// compare the two moments, then open the diff of the changed policy
		this.page.getByLabel("From (UTC)").fill(input(then));
		this.page.getByLabel("To (UTC)").fill(input(later));
		button("Compare").click();
		Locator comparison = this.page.locator("#comparison");
		assertThat(comparison).containsText("2 policies differ");
		assertThat(comparison.locator("tr", new Locator.LocatorOptions().setHasText("late"))).containsText("Added");
		assertThat(comparison.locator("tr", new Locator.LocatorOptions().setHasText("svc-00"))).containsText("Changed");
		screenshot("store-compare-moments");
		comparison.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Show diff")).click();
		assertThat(this.page.locator("h1")).containsText("version 1 → 2");
		assertThat(this.page.locator("tr.line-added")).containsText("443");
		assertThat(this.page.locator("tr.line-gap").first()).containsText("unchanged lines");
		this.page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(com.microsoft.playwright.options.ColorScheme.DARK));
		screenshot("store-diff-dark");
		this.page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(com.microsoft.playwright.options.ColorScheme.LIGHT));

		// a viewer reads a policy but gets no write buttons
		link("CiliumNetworkPolicy/shop/svc-00").click();
		assertThat(link("Edit")).hasCount(0);
		assertThat(this.page.getByText("Delete this policy…")).hasCount(0);
		this.page.setViewportSize(390, 844);
		screenshot("store-policy-mobile");
	}

	@Test
	void authorShouldImportAnUploadedFile() throws Exception {
		String ws = "browser-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "", Actor.SYSTEM).block();
		java.nio.file.Path file = java.nio.file.Files.createTempFile("bundle", ".yaml");
		java.nio.file.Files.writeString(file, """
				apiVersion: v1
				kind: List
				items:
				""" + policy("up", 80).indent(2).replaceFirst("^  ", "- ")
				.replace("\n  apiVersion", "\n  apiVersion"));
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws + "/import");
		this.page.getByLabel("…or upload a file").setInputFiles(file);
		button("Import").click();
		assertThat(this.page.getByText("1 created, 0 updated, 0 unchanged.")).isVisible();
		assertThat(this.page.locator("table.report")).containsText("item 1");
		screenshot("store-import-upload");
		java.nio.file.Files.deleteIfExists(file);
	}

	/**
	 * The millisecond of {@code instant}, or the next one when its last digit is 0: the browser keeps a
	 * {@code datetime-local} value without trailing zeros ({@code .120} becomes {@code .12}), which would widen the
	 * moment to ten milliseconds.
	 */
	private static java.time.Instant millisecondAtOrAfter(java.time.Instant instant) {
		java.time.Instant millisecond = instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
		return (millisecond.getNano() / 1_000_000 % 10 == 0) ? millisecond.plusMillis(1) : millisecond;
	}

	/** A {@code datetime-local} value in UTC to the millisecond. */
	private static String input(java.time.Instant instant) {
		return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS")
			.withZone(java.time.ZoneOffset.UTC)
			.format(instant);
	}

}
