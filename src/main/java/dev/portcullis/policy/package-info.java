/**
 * The versioned policy store: workspaces, policies kept as append-only versions, diffs, moments in time, bundle
 * import and export, and the {@code /api/v1/workspaces/**} REST API. {@link dev.portcullis.policy.PolicyStore} is
 * the feature's entry point.
 */
@NullMarked
package dev.portcullis.policy;

import org.jspecify.annotations.NullMarked;
