package dev.portcullis.engine.eval;

/** Placeholder: the evaluator defines the decision and its explanation. */
public record Decision() {
}
