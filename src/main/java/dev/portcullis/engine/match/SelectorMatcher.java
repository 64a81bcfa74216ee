package dev.portcullis.engine.match;

import dev.portcullis.engine.api.LabelSelector;

/**
 * A compiled label selector: {@code matchLabels} and {@code matchExpressions} ANDed, Kubernetes semantics
 * ({@code NotIn} and {@code DoesNotExist} hold when the key is absent), keys looked up as {@link Labels} does.
 */
public final class SelectorMatcher {

	/** Compiles a selector the parser has validated. */
	public static SelectorMatcher compile(LabelSelector selector) {
		throw new UnsupportedOperationException("TODO");
	}

	public boolean matches(Labels labels) {
		throw new UnsupportedOperationException("TODO");
	}

}
