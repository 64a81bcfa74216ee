/**
 * The policy store's pages: workspaces, the policy list as of any moment, import, a policy's history, versions,
 * diffs, and the YAML editor with conflict detection. Thymeleaf + htmx; every page also works as a fragment.
 */
@NullMarked
package dev.portcullis.policy.web;

import org.jspecify.annotations.NullMarked;
