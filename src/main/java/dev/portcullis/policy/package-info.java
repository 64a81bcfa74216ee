/**
 * The versioned policy store: workspaces, policies kept as append-only versions, diffs, moments in time, bundle
 * import and export, and the {@code /api/v1/workspaces/**} REST API. Each job has its own entry point:
 * {@link dev.portcullis.policy.Workspaces}, {@link dev.portcullis.policy.Policies} (reads, now or as of a moment),
 * {@link dev.portcullis.policy.PolicyChanges} (save, delete, restore), {@link dev.portcullis.policy.BundleImport}
 * and {@link dev.portcullis.policy.BundleExport}.
 */
@NullMarked
package dev.portcullis.policy;

import org.jspecify.annotations.NullMarked;
