/**
 * Flows as the evaluator decides them: the fields of a Hubble flow that policy depends on. Reading them from
 * Hubble's JSON is outside the engine ({@code dev.portcullis.hubble.FlowReader}, docs/adr/019).
 */
@NullMarked
package dev.portcullis.engine.flow;

import org.jspecify.annotations.NullMarked;
