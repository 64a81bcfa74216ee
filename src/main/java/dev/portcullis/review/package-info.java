/**
 * Review and approval (issue 14, docs/adr/031): protection rules per workspace, change requests with their revisions,
 * reviews and comments, the rules a merge must meet, and the merge itself, which writes through
 * {@link dev.portcullis.policy.ChangeSets}, the store's one way into a protected workspace.
 */
@NullMarked
package dev.portcullis.review;

import org.jspecify.annotations.NullMarked;
