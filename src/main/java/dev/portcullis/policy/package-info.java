/**
 * The versioned policy store: workspaces, policies kept as append-only versions, diffs, moments in time, bundle
 * import and export, and the {@code /api/v1/workspaces/**} REST API. Each job has its own entry point:
 * {@link dev.portcullis.policy.Workspaces}, {@link dev.portcullis.policy.Policies} (reads, now or as of a moment),
 * {@link dev.portcullis.policy.PolicyChanges} (save, delete, restore), {@link dev.portcullis.policy.BundleImport}
 * and {@link dev.portcullis.policy.BundleExport}; a workspace's agent settings are
 * {@link dev.portcullis.policy.WorkspaceSettings}' ({@link dev.portcullis.policy.AgentSettings} reads and writes them),
 * and what is in force at a moment is a {@link dev.portcullis.policy.WorkspaceState} from
 * {@link dev.portcullis.policy.WorkspaceStates}.
 */
@NullMarked
package dev.portcullis.policy;

import org.jspecify.annotations.NullMarked;
