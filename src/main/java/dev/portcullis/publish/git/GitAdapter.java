package dev.portcullis.publish.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.publish.Applied;
import dev.portcullis.publish.LiveObject;
import dev.portcullis.publish.DesiredObject;
import dev.portcullis.publish.Drift;
import dev.portcullis.publish.LeaseLost;
import dev.portcullis.publish.ObjectDiff;
import dev.portcullis.publish.ObjectResult;
import dev.portcullis.publish.Plan;
import dev.portcullis.publish.PlanItem;
import dev.portcullis.publish.Publication;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import dev.portcullis.publish.TargetAdapter;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefLeaseSpec;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Publishes to a folder of a Git branch (GitOps: Argo CD or Flux apply what is there). One file per policy:
 * {@code <folder>/<namespace>/<kind>-<name>.yaml} with the kind in lower case, cluster-wide policies under
 * {@code <folder>/_cluster/}; the file is the policy's canonical YAML. The folder is Portcullis's: a file in it that
 * follows the layout and names a policy kind is managed, and is removed when the workspace no longer has that
 * policy; other files (a README, a {@code kustomization.yaml}) are never touched.
 * <p>
 * Every operation works on the target's own clone of the one branch, kept between operations and fetched and reset
 * to the remote's branch before each, one operation at a time per target ({@link WorkingCopies}). {@link #apply}
 * writes one commit whose message names the publication, its state and its change requests with their approvers as
 * trailers ({@code Change-Request:}, {@code Approved-by:}, {@code Portcullis-Publication:}), touching only files
 * whose text changes, and pushes it without force: when
 * someone else pushed first it fetches, writes the same files on top of theirs and pushes again. Before writing it
 * looks for the publication's own commit on the branch, so an apply repeated after a crash reports that commit and
 * writes nothing.
 * <p>
 * Authentication: {@code auth.type} {@code none}, {@code token} (HTTPS; credentials {@code token} and optional
 * {@code username}, default {@code portcullis}) or {@code ssh-key} (an {@code ssh://user@host[:port]/path} or
 * {@code user@host:path} URL; credentials {@code privateKey}, optional {@code passphrase}, and {@code knownHosts},
 * without which no host key is trusted: see {@link SshAccess}).
 */
@Component
@EnableConfigurationProperties(GitSettings.class)
public class GitAdapter implements TargetAdapter {

	static final String TYPE = "git";

	static final String CLUSTER_FOLDER = "_cluster";

	static final String PUBLICATION_TRAILER = "Portcullis-Publication";

	static final String WORKSPACE_TRAILER = "Portcullis-Workspace";

	/** The branch a publication is proposed on in pull-request mode, followed by its id. */
	static final String PROPOSAL_BRANCH = "portcullis/publication-";

	private static final Pattern FILE = Pattern.compile("([a-z]+)-(.+)\\.yaml");

	/** An HTTP 401 or 403 in a transport error: the number alone, not digits inside a path or an id. */
	private static final Pattern HTTP_REFUSED = Pattern.compile("(?<![\\w/.-])40[13](?![\\w/.-])");

	/** {@code user@host:path} (the scp-like form Git accepts; the path must not start with {@code //}). */
	private static final Pattern SCP_LIKE = Pattern.compile("[^/@:\\s]+@[^/@:\\s]+:(?!//).+");

	private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");

	/** How far back the branch is searched for a publication's own commit. */
	private static final int HISTORY = 500;

	private static final String NAME = "Portcullis";

	private static final String EMAIL = "portcullis@localhost";

	private final GitSettings settings;

	private final WorkingCopies copies;

	public GitAdapter(GitSettings settings) {
		this.settings = settings;
		this.copies = new WorkingCopies(settings.cacheRoot(), settings.timeout().multipliedBy(20));
	}

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public void check(Target target) {
		Where where = where(target);
		Forge forge = Forge.of(target, where, this.settings.timeout());
		try (Access access = access(target, where)) {
			check(access);
		}
		if (forge != null) {
			forge.check();
		}
	}

	private void check(Access access) {
		Where where = access.where();
		Map<String, Ref> refs;
		try {
			refs = access.authenticate(Git.lsRemoteRepository().setRemote(where.url()).setHeads(true)).callAsMap();
		}
		catch (GitAPIException | RuntimeException ex) {
			throw failure(ex, access);
		}
		if (!refs.containsKey(Constants.R_HEADS + where.branch())) {
			throw noBranch(where);
		}
	}

	@Override
	public Plan plan(Target target, List<DesiredObject> desired) {
		Where where = where(target);
		return withClone(target, where, (git, access) -> {
			ObjectId head = git.getRepository().resolve(Constants.HEAD);
			return new Plan(items(git, where, desired), desired, (head != null) ? head.name() : null);
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * With a forge ({@link Forge}) in pull-request mode the commit goes to its own branch
	 * {@code portcullis/publication-<id>} (made from the target branch, never rewritten) and a pull (merge) request
	 * proposes it to the target branch; with the commit status on, the commit gets {@code portcullis/impact} with
	 * {@link Publication#impact()}. Nothing changed: no commit, no request, no status.
	 */
	@Override
	public Applied apply(Target target, Plan plan, Publication publication) {
		Where where = where(target);
		Forge forge = Forge.of(target, where, this.settings.timeout());
		forge = (forge != null) ? forge.fenced(publication.fence()) : null;
		if (forge != null && forge.pullRequests()) {
			return propose(target, where, plan, publication, forge);
		}
		Applied applied = push(target, where, plan, publication);
		boolean committed = applied.results().stream().anyMatch((r) -> r.outcome() != ObjectResult.Outcome.UNCHANGED);
		return (forge != null && committed) ? applied.withForge(null, status(forge, applied.commit(), publication))
				: applied;
	}

	/** Pushes the publication's commit to the target branch (or finds it there). */
	private Applied push(Target target, Where where, Plan plan, Publication publication) {
		return withClone(target, where, (git, access) -> {
			for (int attempt = 1;; attempt++) {
				RevCommit already = published(git, publication);
				if (already != null) {
					return alreadyThere(plan, already);
				}
				List<PlanItem> items = items(git, where, plan.desired());
				RevCommit commit = commit(git, where, plan, publication, items);
				if (commit == null) {
					return unchanged(git, items);
				}
				publication.fence().check("pushing to " + where.branch());
				RemoteRefUpdate.Status status = push(git, access);
				if (status == RemoteRefUpdate.Status.OK || status == RemoteRefUpdate.Status.UP_TO_DATE) {
					return new Applied(results(items, ""), commit.name(), Map.of());
				}
				if (attempt >= this.settings.pushAttempts()) {
					throw new PublishFailure("Someone else kept pushing to " + where.branch() + " of " + where.shown()
							+ ": " + attempt + " pushes were rejected; nothing was published. Retry the publication.");
				}
				// someone pushed first: take their branch and write the same files on top (never force)
				fetchAndReset(git, access);
			}
		});
	}

	/**
	 * Pull-request mode: the publication's commit on {@code portcullis/publication-<id>}, made on the target branch
	 * and pushed without force (or found there, or found already merged into the target branch), then its pull
	 * request found or opened, then the commit status set.
	 */
	private Applied propose(Target target, Where where, Plan plan, Publication publication, Forge forge) {
		String head = PROPOSAL_BRANCH + publication.id();
		return withClone(target, where, (git, access) -> {
			for (int attempt = 1;; attempt++) {
				RevCommit merged = published(git, publication);
				if (merged != null) {
					// the request was merged before this attempt recorded it: nothing left to propose
					return alreadyThere(plan, merged);
				}
				RevCommit onBranch = proposed(git, access, head, publication);
				List<PlanItem> items = items(git, where, plan.desired());
				String commit;
				if (onBranch != null) {
					commit = onBranch.name();
				}
				else {
					RevCommit made = commit(git, where, plan, publication, items);
					if (made == null) {
						return unchanged(git, items);
					}
					publication.fence().check("pushing to " + head);
					RemoteRefUpdate.Status status = push(git, access, Constants.R_HEADS + where.branch(),
							Constants.R_HEADS + head);
					if (status != RemoteRefUpdate.Status.OK && status != RemoteRefUpdate.Status.UP_TO_DATE) {
						if (attempt >= this.settings.pushAttempts()) {
							throw new PublishFailure("The branch " + head + " of " + where.shown() + " kept changing"
									+ " under the push; nothing was proposed. Retry the publication.");
						}
						// someone made the branch meanwhile (an earlier attempt): look again, never force
						git.reset().setMode(ResetCommand.ResetType.HARD).setRef(Constants.R_REMOTES + "origin/"
								+ where.branch()).call();
						continue;
					}
					commit = made.name();
				}
				String url = forge.pullRequest(head, where.branch(), title(publication, items),
						body(publication, items, where));
				String status = status(forge, commit, publication);
				List<Long> superseded = supersede(git, access, forge, where, publication, url);
				return new Applied(results(items, "proposed in " + url), commit, Map.of()).withForge(url, status)
					.withSuperseded(superseded);
			}
		});
	}

	/**
	 * Closes the earlier publications' requests that are still open, each with a comment naming {@code url}, and
	 * deletes a closed one's branch only while it still points at the commit Portcullis pushed there (a push with
	 * that lease: whatever someone else pushed to it stays). The ids of the earlier publications whose requests are no
	 * longer open (closed now, or merged or closed before).
	 */
	private static List<Long> supersede(Git git, Access access, Forge forge, Where where, Publication publication,
			String url) throws GitAPIException {
		List<Long> done = new ArrayList<>();
		for (Publication.Earlier earlier : publication.superseded()) {
			if (earlier.id() >= publication.id()) {
				continue;
			}
			String head = PROPOSAL_BRANCH + earlier.id();
			boolean closed = forge.close(head, where.branch(), "Superseded by " + url + " (Portcullis publication #"
					+ publication.id() + ", which proposes the workspace's newer state). Closed by Portcullis without"
					+ " merging" + ((earlier.commit() != null) ? "; the branch " + head + " is deleted unless someone"
							+ " pushed to it." : "."));
			if (closed && earlier.commit() != null) {
				publication.fence().check("deleting the branch " + head);
				String ref = Constants.R_HEADS + head;
				access.authenticate(git.push().setRemote("origin").setRefSpecs(new RefSpec(":" + ref))
					.setRefLeaseSpecs(new RefLeaseSpec(ref, earlier.commit()))).call();
				// a rejected lease (someone pushed) or a branch already gone leaves things as they are
			}
			done.add(earlier.id());
		}
		return done;
	}

	/**
	 * Writes the files of {@code items} that change and commits them as the publication's one commit; null (nothing
	 * written) when no item changes.
	 */
	private static @Nullable RevCommit commit(Git git, Where where, Plan plan, Publication publication,
			List<PlanItem> items) throws IOException, GitAPIException {
		List<PlanItem> changes = items.stream().filter((i) -> i.action() != PlanItem.Action.UNCHANGED).toList();
		if (changes.isEmpty()) {
			return null;
		}
		write(git, where, plan.desired(), changes);
		// dated now: an identity made once would date every commit at the moment the class was loaded
		PersonIdent portcullis = new PersonIdent(NAME, EMAIL);
		return git.commit()
			.setMessage(message(publication, items))
			.setAuthor(portcullis)
			.setCommitter(portcullis)
			.setSign(false)
			.call();
	}

	/** Nothing to write: every item unchanged, at the branch's head. */
	private static Applied unchanged(Git git, List<PlanItem> items) throws IOException {
		return new Applied(results(items, ""), git.getRepository().resolve(Constants.HEAD).name(), Map.of());
	}

	/** The publication's commit on its proposal branch, if an earlier attempt pushed it; null without the branch. */
	private static @Nullable RevCommit proposed(Git git, Access access, String head, Publication publication)
			throws GitAPIException, IOException {
		String ref = Constants.R_HEADS + head;
		Map<String, Ref> refs = access.authenticate(git.lsRemote().setRemote("origin").setHeads(true)).callAsMap();
		if (!refs.containsKey(ref)) {
			return null;
		}
		String remote = Constants.R_REMOTES + "origin/" + head;
		access.authenticate(git.fetch().setRemote("origin").setRefSpecs(new RefSpec("+" + ref + ":" + remote)))
			.call();
		RevCommit found = published(git.getRepository(), git.getRepository().resolve(remote), publication);
		if (found == null) {
			throw new PublishFailure("The branch " + head + " of " + access.where().shown() + " exists but does not"
					+ " hold this publication's commit; Portcullis does not rewrite it. Delete the branch and retry.");
		}
		return found;
	}

	private static @Nullable String status(Forge forge, @Nullable String commit, Publication publication) {
		if (!forge.commitStatus() || publication.impact() == null || commit == null) {
			return null;
		}
		return forge.status(commit, publication.impact());
	}

	/** The pull request's title: the workspace and the change requests it brings. */
	static String title(Publication publication, List<PlanItem> items) {
		StringBuilder title = new StringBuilder("Publish " + publication.workspace());
		if (publication.changeRequests().isEmpty()) {
			title.append(": ").append(summary(items));
		}
		else {
			title.append(": ");
			List<String> named = new ArrayList<>();
			for (Publication.ChangeRequest request : publication.changeRequests()) {
				named.add("#" + request.number() + " " + oneLine(request.title()));
			}
			title.append(String.join(", ", named));
		}
		return (title.length() > 250) ? title.substring(0, 249) + "\u2026" : title.toString();
	}

	/** The pull request's description (Markdown): what changes, the change requests with their approvers, who. */
	static String body(Publication publication, List<PlanItem> items, Where where) {
		StringBuilder body = new StringBuilder();
		body.append("Portcullis publication #").append(publication.id()).append(" of workspace ")
			.append(publication.workspace()).append(" to `").append(where.branch()).append('`')
			.append(where.folder().isEmpty() ? "" : " (folder `" + where.folder() + "`)").append(": ")
			.append(summary(items)).append(".\n\n").append(publication.state()).append("\n\n");
		if (publication.changeRequests().isEmpty()) {
			body.append("No change request was merged since the last publication to this target.\n");
		}
		else {
			body.append("Change requests:\n\n");
			for (Publication.ChangeRequest request : publication.changeRequests()) {
				body.append("- #").append(request.number()).append(' ').append(oneLine(request.title()))
					.append(request.approvers().isEmpty() ? " (no approvals)"
							: " (approved by " + String.join(", ", request.approvers().stream().map(GitAdapter::oneLine)
								.toList()) + ")")
					.append('\n');
			}
		}
		body.append("\nPublished by ").append(oneLine(publication.by())).append(".\n");
		return body.toString();
	}

	@Override
	public List<Drift> drift(Target target, List<DesiredObject> published) {
		Where where = where(target);
		return withClone(target, where, (git, access) -> {
			Map<String, String> files = managedFiles(git, where);
			Map<String, DesiredObject> wanted = new LinkedHashMap<>();
			for (DesiredObject object : published) {
				wanted.put(file(object.kind(), object.namespace(), object.name()), object);
			}
			List<Drift> drifts = new ArrayList<>();
			Load load = new Load(LoadSettings.builder().build());
			for (Map.Entry<String, DesiredObject> entry : wanted.entrySet()) {
				DesiredObject object = entry.getValue();
				String live = files.get(entry.getKey());
				if (live == null) {
					drifts.add(new Drift(object.kind(), object.namespace(), object.name(), "", object.yaml(), null,
							lastAuthor(git, where.folder() + entry.getKey())));
				}
				else if (!live.equals(object.yaml())) {
					Object parsed;
					try {
						parsed = load.loadFromString(live);
					}
					catch (RuntimeException ex) {
						parsed = null;
					}
					String manager = lastAuthor(git, where.folder() + entry.getKey());
					if (parsed instanceof Map<?, ?> map) {
						for (ObjectDiff.Field field : ObjectDiff.fields(object.object(), map)) {
							drifts.add(new Drift(object.kind(), object.namespace(), object.name(), field.path(),
									field.published(), field.live(), manager));
						}
					}
					else {
						drifts.add(new Drift(object.kind(), object.namespace(), object.name(), "", object.yaml(), live,
								manager));
					}
				}
			}
			for (Map.Entry<String, String> entry : files.entrySet()) {
				if (!wanted.containsKey(entry.getKey())) {
					Key key = key(entry.getKey());
					drifts.add(new Drift(key.kind(), key.namespace(), key.name(), "", null, entry.getValue(),
							lastAuthor(git, where.folder() + entry.getKey())));
				}
			}
			return drifts;
		});
	}

	/**
	 * The branch's folder as it is now, as objects a workspace could hold: each published object's file (null when
	 * the file is gone), then every other managed file ({@code <namespace>/<kind>-<name>.yaml}) someone added. The
	 * files are taken as they are, comments and all: a proposal shows what the repository holds.
	 */
	@Override
	public List<LiveObject> live(Target target, List<DesiredObject> published) {
		Where where = where(target);
		return withClone(target, where, (git, access) -> {
			Map<String, String> files = new TreeMap<>(managedFiles(git, where));
			List<LiveObject> out = new ArrayList<>();
			for (DesiredObject object : published) {
				out.add(new LiveObject(object.kind(), object.namespace(), object.name(),
						files.remove(file(object.kind(), object.namespace(), object.name()))));
			}
			files.forEach((path, text) -> {
				Key key = key(path);
				out.add(new LiveObject(key.kind(), key.namespace(), key.name(), text));
			});
			return out;
		});
	}

	/** The plan's items against the clone's working tree. */
	private static List<PlanItem> items(Git git, Where where, List<DesiredObject> desired) throws IOException {
		Map<String, String> files = managedFiles(git, where);
		List<PlanItem> items = new ArrayList<>();
		for (DesiredObject object : desired) {
			String file = file(object.kind(), object.namespace(), object.name());
			String now = files.remove(file);
			if (now == null) {
				items.add(new PlanItem(object.kind(), object.namespace(), object.name(), PlanItem.Action.CREATE,
						ObjectDiff.unified("", object.yaml(), where.folder() + file), List.of()));
			}
			else if (now.equals(object.yaml())) {
				items.add(new PlanItem(object.kind(), object.namespace(), object.name(), PlanItem.Action.UNCHANGED, "",
						List.of()));
			}
			else {
				items.add(new PlanItem(object.kind(), object.namespace(), object.name(), PlanItem.Action.UPDATE,
						ObjectDiff.unified(now, object.yaml(), where.folder() + file), List.of()));
			}
		}
		for (Map.Entry<String, String> left : files.entrySet()) {
			Key key = key(left.getKey());
			items.add(new PlanItem(key.kind(), key.namespace(), key.name(), PlanItem.Action.DELETE,
					ObjectDiff.unified(left.getValue(), "", where.folder() + left.getKey()), List.of()));
		}
		return items;
	}

	private static void write(Git git, Where where, List<DesiredObject> desired, List<PlanItem> changes)
			throws IOException, GitAPIException {
		Map<String, DesiredObject> byRef = new TreeMap<>();
		desired.forEach((d) -> byRef.put(d.ref(), d));
		Path root = git.getRepository().getWorkTree().toPath();
		for (PlanItem item : changes) {
			String path = where.folder() + file(item.kind(), item.namespace(), item.name());
			Path onDisk = root.resolve(path);
			if (item.action() == PlanItem.Action.DELETE) {
				git.rm().addFilepattern(path).call();
			}
			else {
				Files.createDirectories(onDisk.getParent());
				Files.writeString(onDisk, byRef.get(item.ref()).yaml(), StandardCharsets.UTF_8);
				git.add().addFilepattern(path).call();
			}
		}
	}

	private static List<ObjectResult> results(List<PlanItem> items, String message) {
		List<ObjectResult> results = new ArrayList<>(items.size());
		for (PlanItem item : items) {
			ObjectResult.Outcome outcome = switch (item.action()) {
				case CREATE -> ObjectResult.Outcome.CREATED;
				case UPDATE -> ObjectResult.Outcome.UPDATED;
				case DELETE -> ObjectResult.Outcome.DELETED;
				case UNCHANGED -> ObjectResult.Outcome.UNCHANGED;
			};
			results.add(new ObjectResult(item.kind(), item.namespace(), item.name(), outcome, message, null));
		}
		return results;
	}

	private static Applied alreadyThere(Plan plan, RevCommit commit) {
		return new Applied(results(plan.items(), "already on the branch in commit " + commit.abbreviate(12).name()),
				commit.name(), Map.of());
	}

	/** The publication's own commit on the branch, if an earlier attempt pushed it. */
	private static @Nullable RevCommit published(Git git, Publication publication) throws IOException {
		return published(git.getRepository(), git.getRepository().resolve(Constants.HEAD), publication);
	}

	/** The publication's own commit in the history of {@code head} (its last {@value #HISTORY} commits), or null. */
	private static @Nullable RevCommit published(Repository repository, @Nullable ObjectId head,
			Publication publication) throws IOException {
		if (head == null) {
			return null;
		}
		String id = Long.toString(publication.id());
		try (RevWalk walk = new RevWalk(repository)) {
			walk.markStart(walk.parseCommit(head));
			int seen = 0;
			for (RevCommit commit : walk) {
				if (commit.getFooterLines(PUBLICATION_TRAILER).contains(id)
						&& commit.getFooterLines(WORKSPACE_TRAILER).contains(publication.workspace())) {
					return commit;
				}
				if (++seen >= HISTORY) {
					return null;
				}
			}
		}
		return null;
	}

	/** The commit message: a subject with the counts, the state, then the trailers. */
	static String message(Publication publication, List<PlanItem> items) {
		StringBuilder message = new StringBuilder();
		message.append("Publish ").append(publication.workspace()).append(": ").append(summary(items))
			.append("\n\n").append(publication.state()).append("\n\n");
		for (Publication.ChangeRequest request : publication.changeRequests()) {
			message.append("Change-Request: #").append(request.number()).append(' ')
				.append(oneLine(request.title())).append('\n');
			for (String approver : request.approvers()) {
				message.append("Approved-by: ").append(oneLine(approver)).append(" (#").append(request.number())
					.append(")\n");
			}
		}
		message.append("Published-by: ").append(oneLine(publication.by())).append('\n');
		message.append(WORKSPACE_TRAILER).append(": ").append(publication.workspace()).append('\n');
		message.append(PUBLICATION_TRAILER).append(": ").append(publication.id()).append('\n');
		return message.toString();
	}

	/** The counts of a plan: {@code 1 policy added, 2 policies changed}. */
	private static String summary(List<PlanItem> items) {
		Map<PlanItem.Action, Integer> counts = new TreeMap<>();
		items.forEach((i) -> counts.merge(i.action(), 1, Integer::sum));
		List<String> parts = new ArrayList<>();
		addCount(parts, counts, PlanItem.Action.CREATE, "added");
		addCount(parts, counts, PlanItem.Action.UPDATE, "changed");
		addCount(parts, counts, PlanItem.Action.DELETE, "removed");
		return String.join(", ", parts);
	}

	private static void addCount(List<String> parts, Map<PlanItem.Action, Integer> counts, PlanItem.Action action,
			String verb) {
		Integer count = counts.get(action);
		if (count != null) {
			parts.add(count + " " + ((count == 1) ? "policy" : "policies") + " " + verb);
		}
	}

	private static String oneLine(String text) {
		return text.replaceAll("[\\r\\n]+", " ").strip();
	}

	private static RemoteRefUpdate.Status push(Git git, Access access) throws GitAPIException {
		String ref = Constants.R_HEADS + access.where().branch();
		return push(git, access, ref, ref);
	}

	/** Pushes {@code local} to the remote's {@code ref} without force. */
	private static RemoteRefUpdate.Status push(Git git, Access access, String local, String ref)
			throws GitAPIException {
		Where where = access.where();
		Target target = access.target();
		Iterable<PushResult> results = access
			.authenticate(git.push().setRemote("origin").setForce(false).setRefSpecs(new RefSpec(local + ":" + ref)))
			.call();
		for (PushResult result : results) {
			RemoteRefUpdate update = result.getRemoteUpdate(ref);
			if (update == null) {
				continue;
			}
			RemoteRefUpdate.Status status = update.getStatus();
			switch (status) {
				case OK, UP_TO_DATE, REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
					return status;
				}
				default -> {
					String why = (update.getMessage() != null) ? ": " + redact(update.getMessage(), target) : "";
					throw new PublishFailure("The repository " + where.shown() + " refused the push to "
							+ Repository.shortenRefName(ref) + " (" + status.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")"
							+ why + ". Nothing was published.");
				}
			}
		}
		throw new PublishFailure("The repository " + where.shown() + " did not answer the push to "
				+ Repository.shortenRefName(ref)
				+ ". Nothing was published.");
	}

	private static void fetchAndReset(Git git, Access access) throws GitAPIException {
		String ref = Constants.R_HEADS + access.where().branch();
		String remote = Constants.R_REMOTES + "origin/" + access.where().branch();
		access.authenticate(git.fetch().setRemote("origin").setRefSpecs(new RefSpec("+" + ref + ":" + remote)))
			.call();
		// our own throwaway clone: drop the rejected local commit and stand on theirs
		git.reset().setMode(ResetCommand.ResetType.HARD).setRef(remote).call();
	}

	private static @Nullable String lastAuthor(Git git, String path) {
		try {
			for (RevCommit commit : git.log().addPath(path).setMaxCount(1).call()) {
				return commit.getAuthorIdent().getName();
			}
		}
		catch (GitAPIException ex) {
			return null;
		}
		return null;
	}

	/** The managed files of the folder: path below the folder → text. */
	private static Map<String, String> managedFiles(Git git, Where where) throws IOException {
		Path folder = git.getRepository().getWorkTree().toPath().resolve(where.folder());
		Map<String, String> files = new TreeMap<>();
		if (!Files.isDirectory(folder)) {
			return files;
		}
		try (Stream<Path> namespaces = Files.list(folder)) {
			for (Path namespace : namespaces.filter(Files::isDirectory).toList()) {
				String ns = namespace.getFileName().toString();
				if (ns.startsWith(".")) {
					continue;
				}
				try (Stream<Path> inside = Files.list(namespace)) {
					for (Path file : inside.filter(Files::isRegularFile).toList()) {
						String name = ns + "/" + file.getFileName();
						if (managed(name)) {
							files.put(name, Files.readString(file, StandardCharsets.UTF_8));
						}
					}
				}
			}
		}
		return files;
	}

	private static boolean managed(String file) {
		try {
			key(file);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/** A policy's file below the folder. */
	static String file(String kind, String namespace, String name) {
		return (namespace.isEmpty() ? CLUSTER_FOLDER : namespace) + "/" + kind.toLowerCase(Locale.ROOT) + "-" + name
				+ ".yaml";
	}

	record Key(String kind, String namespace, String name) {
	}

	/** The policy a managed file holds, by its path below the folder. */
	static Key key(String file) {
		int slash = file.indexOf('/');
		if (slash < 0) {
			throw new IllegalArgumentException("not in a namespace folder");
		}
		String folder = file.substring(0, slash);
		Matcher matcher = FILE.matcher(file.substring(slash + 1));
		if (!matcher.matches()) {
			throw new IllegalArgumentException("not a policy file");
		}
		for (PolicyKind kind : PolicyKind.values()) {
			if (kind.kindName().toLowerCase(Locale.ROOT).equals(matcher.group(1))) {
				boolean cluster = CLUSTER_FOLDER.equals(folder);
				if (cluster == kind.namespaced()) {
					throw new IllegalArgumentException("kind and folder do not fit");
				}
				return new Key(kind.kindName(), cluster ? "" : folder, matcher.group(2));
			}
		}
		throw new IllegalArgumentException("not a policy kind");
	}

	@FunctionalInterface
	private interface WithClone<T> {

		T run(Git git, Access access) throws IOException, GitAPIException;

	}

	/**
	 * Runs {@code work} on the target's working copy: its kept clone fetched and reset to the remote's branch (cloned
	 * when there is none or it is broken), held by this operation alone until {@code work} returns
	 * ({@link WorkingCopies}).
	 */
	private <T> T withClone(Target target, Where where, WithClone<T> work) {
		try (Access access = access(target, where)) {
			check(access);
			try (WorkingCopies.Copy copy = this.copies.open(target.id(), access)) {
				return work.run(copy.git(), access);
			}
			catch (PublishFailure | LeaseLost ex) {
				throw ex;
			}
			catch (GitAPIException | IOException | RuntimeException ex) {
				throw failure(ex, access);
			}
		}
	}

	/** Deletes the target's kept clone (the target was deleted). */
	@Override
	public void forget(Target target) {
		this.copies.forget(target.id());
	}

	/** How one operation reaches the repository: the target's credentials and, for SSH, its own transport. */
	private Access access(Target target, Where where) {
		int timeout = (int) Math.max(1, this.settings.timeout().toSeconds());
		if (where.ssh() != null) {
			if (!"ssh-key".equals(target.authType())) {
				throw new PublishFailure("An SSH repository URL needs auth.type ssh-key with a private key and the"
						+ " host's known hosts entry (or use the HTTPS URL with a token).");
			}
			return new Access(target, where, timeout, SshAccess.open(target, where.ssh()));
		}
		if ("ssh-key".equals(target.authType())) {
			throw new PublishFailure("auth.type ssh-key needs an SSH repository URL (ssh://git@host/path.git or"
					+ " git@host:path.git); an HTTPS URL takes a token.");
		}
		return new Access(target, where, timeout, null);
	}

	record Access(Target target, Where where, int timeout, @Nullable SshAccess ssh) implements AutoCloseable {

		<C extends TransportCommand<C, ?>> C authenticate(C command) {
			command.setTimeout(this.timeout);
			if (this.ssh != null) {
				command.setTransportConfigCallback(this.ssh::configure);
			}
			else if ("token".equals(this.target.authType())) {
				String token = this.target.credential("token");
				if (token == null) {
					throw new PublishFailure("The target's authentication is a token, but no token is set.");
				}
				String username = this.target.credential("username");
				command.setCredentialsProvider(
						new UsernamePasswordCredentialsProvider((username != null) ? username : "portcullis", token));
			}
			return command;
		}

		@Override
		public void close() {
			if (this.ssh != null) {
				this.ssh.close();
			}
		}

	}

	/**
	 * Where on the target: the repository URL, the branch and the folder ({@code ""} or ending in {@code /}); for an
	 * SSH URL its parts.
	 */
	record Where(String url, String shown, String branch, String folder, @Nullable URIish ssh) {
	}

	/** The target's settings checked and read; a {@link PublishFailure} in words when they are not usable. */
	Where where(Target target) {
		String url = target.setting("url");
		if (url == null) {
			throw new PublishFailure("The repository URL (url) is required.");
		}
		url = url.strip();
		URIish ssh = ssh(url);
		URI uri;
		try {
			uri = (ssh != null) ? null : new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new PublishFailure("The repository URL is not a URL: " + ex.getReason() + ".");
		}
		String scheme = (uri == null) ? "ssh" : (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		switch (scheme) {
			case "ssh" -> {
				if (ssh == null) {
					throw new PublishFailure("The SSH repository URL is not valid: write ssh://git@host[:port]/path.git"
							+ " or git@host:path.git.");
				}
			}
			case "https", "http" -> {
				if (uri.getRawUserInfo() != null) {
					throw new PublishFailure("The repository URL must not carry a user or a token: put the token in"
							+ " auth.token.");
				}
				if (uri.getHost() == null) {
					throw new PublishFailure("The repository URL has no host.");
				}
			}
			case "file" -> {
				if (!this.settings.allowFileUrls()) {
					throw new PublishFailure("file:// repository URLs are not allowed on this server"
							+ " (portcullis.publish.git.allow-file-urls).");
				}
			}
			default -> throw new PublishFailure("The repository URL must start with https:// (or http://), or be an"
					+ " SSH URL: ssh://git@host[:port]/path.git or git@host:path.git.");
		}
		String branch = (target.setting("branch") != null) ? target.setting("branch").strip() : "main";
		if (!BRANCH.matcher(branch).matches() || branch.contains("..") || branch.startsWith("/")
				|| branch.endsWith("/") || branch.endsWith(".lock")) {
			throw new PublishFailure("The branch name " + branch + " is not a valid Git branch name.");
		}
		String path = (target.setting("path") != null) ? target.setting("path").strip() : "";
		path = path.replaceAll("^/+", "").replaceAll("/+$", "");
		for (String segment : path.split("/")) {
			if (segment.equals("..") || segment.equals(".") || segment.equals(".git")) {
				throw new PublishFailure("The folder (path) must not contain \"" + segment + "\".");
			}
		}
		if (path.contains("\\") || path.length() > 300) {
			throw new PublishFailure("The folder (path) must be a relative path with / separators.");
		}
		String folder = path.isEmpty() ? "" : path + "/";
		return new Where(url, url, branch, folder, ssh);
	}

	/** An SSH URL ({@code ssh://user@host[:port]/path} or scp-like {@code user@host:path}) read, or null. */
	private static @Nullable URIish ssh(String url) {
		boolean scpLike = SCP_LIKE.matcher(url).matches();
		if (!url.regionMatches(true, 0, "ssh://", 0, 6) && !scpLike) {
			return null;
		}
		URIish uri;
		try {
			uri = new URIish(url);
		}
		catch (URISyntaxException ex) {
			throw new PublishFailure("The SSH repository URL is not valid: write ssh://git@host[:port]/path.git or"
					+ " git@host:path.git.");
		}
		if (uri.getPass() != null) {
			throw new PublishFailure("The repository URL must not carry a password: SSH targets authenticate with a"
					+ " private key, given in auth.privateKey.");
		}
		if (uri.getHost() == null || uri.getHost().isBlank() || uri.getPath() == null || uri.getPath().isBlank()) {
			throw new PublishFailure("The SSH repository URL needs a host and a path: ssh://git@host[:port]/path.git"
					+ " or git@host:path.git.");
		}
		if (uri.getUser() == null || uri.getUser().isBlank()) {
			throw new PublishFailure("The SSH repository URL needs the SSH user (most Git hosts use git):"
					+ " ssh://git@" + uri.getHost() + "/... or git@" + uri.getHost() + ":....");
		}
		return uri;
	}

	private static PublishFailure noBranch(Where where) {
		return new PublishFailure("The branch " + where.branch() + " does not exist in " + where.shown()
				+ ". Create it (an initial commit is enough) or name an existing branch.");
	}

	/** A JGit or I/O failure in words, with every credential of the target blanked out. */
	private static PublishFailure failure(Throwable ex, Access access) {
		if (ex instanceof PublishFailure failure) {
			return failure;
		}
		Where where = access.where();
		Target target = access.target();
		String text = messages(ex).toLowerCase(Locale.ROOT);
		String message;
		if (access.ssh() != null && access.ssh().refusal() != null) {
			message = access.ssh().refusal();
		}
		else if (access.ssh() != null && (text.contains("authentication failed")
				|| text.contains("no more authentication methods") || text.contains("auth fail"))) {
			message = "The repository " + where.shown() + " refused the SSH key (auth.privateKey, public key "
					+ access.ssh().keyFingerprints() + "): check that this public key is registered there with write"
					+ " access (a deploy key) for user " + where.ssh().getUser() + ".";
		}
		else if (has(ex, UnknownHostException.class) || text.contains("unknown host")) {
			message = "Cannot reach " + where.shown() + ": the host name is not known.";
		}
		else if (has(ex, ConnectException.class) || has(ex, NoRouteToHostException.class)
				|| text.contains("connection refused")) {
			message = "Cannot reach " + where.shown() + ": the connection was refused.";
		}
		else if (has(ex, SocketTimeoutException.class) || text.contains("timed out") || text.contains("timeout")) {
			message = "Cannot reach " + where.shown() + ": no answer in time.";
		}
		else if (text.contains("not authorized") || text.contains("authentication is required")
				|| text.contains("auth fail") || HTTP_REFUSED.matcher(text).find()
				|| text.contains("no credentialsprovider")) {
			message = "The repository " + where.shown() + " refused the credentials (or needs some): check the token"
					+ " and its permissions.";
		}
		else if (has(ex, NoRemoteRepositoryException.class) || ex instanceof InvalidRemoteException
				|| text.contains("not found") || text.contains("does not appear to be a git repository")
				|| text.contains("not a git repository")) {
			message = "There is no Git repository at " + where.shown() + ".";
		}
		else if (text.contains("remote branch") && text.contains("not found")) {
			return noBranch(where);
		}
		else if (ex instanceof UncheckedIOException || ex instanceof IOException) {
			message = "Reading or writing the clone of " + where.shown() + " failed: " + ex.getMessage();
		}
		else {
			message = "Git failed on " + where.shown() + ": " + firstMessage(ex);
		}
		return new PublishFailure(redact(message, target));
	}

	private static boolean has(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

	private static String messages(Throwable ex) {
		StringBuilder all = new StringBuilder();
		for (Throwable t = ex; t != null; t = t.getCause()) {
			all.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
		}
		return all.toString();
	}

	private static String firstMessage(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	/** {@code text} with every credential value of {@code target} replaced by {@code [secret]}. */
	static String redact(String text, Target target) {
		String out = text;
		Collection<String> secrets = target.credentials().values();
		for (String secret : secrets) {
			if (secret != null && secret.length() >= 4) {
				out = out.replace(secret, "[secret]");
			}
		}
		return out;
	}

}
