/**
 * The policy editor's APIs: validate (schema and semantic lint), describe (plain language) and graph (SVG or nodes
 * and edges), for a draft's text or a workspace's state. Nothing here writes.
 */
@NullMarked
package dev.portcullis.policy.editor;

import org.jspecify.annotations.NullMarked;
