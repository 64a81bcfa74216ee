package dev.portcullis.policy.web;

import java.nio.charset.StandardCharsets;

import dev.portcullis.policy.PolicyKey;

import org.springframework.web.util.UriUtils;

/**
 * The URLs of the store's pages, so that templates and redirects build them one way. Available to templates as
 * {@code links}. A policy's URL is {@code /workspaces/{ws}/policies/{kind}/{namespace}/{name}} with {@code _} as the
 * namespace of cluster-wide kinds (as in the REST API).
 */
public final class Links {

	/** The one instance (templates of other features get it as {@code links} too). */
	public static final Links INSTANCE = new Links();

	private Links() {
	}

	public String workspaces() {
		return "/workspaces";
	}

	public String workspace(String workspace) {
		return "/workspaces/" + segment(workspace);
	}

	public String importBundle(String workspace) {
		return workspace(workspace) + "/import";
	}

	public String export(String workspace) {
		return workspace(workspace) + "/export";
	}

	public String settings(String workspace) {
		return workspace(workspace) + "/settings";
	}

	public String compare(String workspace) {
		return workspace(workspace) + "/compare";
	}

	/** The workspace graph of the REST API ({@code image/svg+xml} for a browser): every live policy's subjects and peers. */
	public String workspaceGraph(String workspace) {
		return "/api/v1/workspaces/" + segment(workspace) + "/graph";
	}

	public String newPolicy(String workspace) {
		return workspace(workspace) + "/policies/new";
	}

	public String policy(String workspace, PolicyKey key) {
		return workspace(workspace) + "/policies/" + segment(key.kind().kindName()) + "/"
				+ segment(key.namespaceSegment()) + "/" + segment(key.name());
	}

	public String version(String workspace, PolicyKey key, int version) {
		return policy(workspace, key) + "?version=" + version;
	}

	public String edit(String workspace, PolicyKey key) {
		return policy(workspace, key) + "/edit";
	}

	public String diff(String workspace, PolicyKey key) {
		return policy(workspace, key) + "/diff";
	}

	public String diff(String workspace, PolicyKey key, int from, int to) {
		return diff(workspace, key) + "?from=" + from + "&to=" + to;
	}

	public String delete(String workspace, PolicyKey key) {
		return policy(workspace, key) + "/delete";
	}

	public String restore(String workspace, PolicyKey key) {
		return policy(workspace, key) + "/restore";
	}

	private static String segment(String text) {
		return UriUtils.encodePathSegment(text, StandardCharsets.UTF_8);
	}

}
