/**
 * Recommendations: least-privilege CiliumNetworkPolicies drafted from stored flows (issue 13, docs/adr/030), with
 * the flows that justify each rule and what the draft would newly deny in its window.
 */
@NullMarked
package dev.portcullis.replay.recommend;

import org.jspecify.annotations.NullMarked;
