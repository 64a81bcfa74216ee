package dev.portcullis.web;

import org.jspecify.annotations.Nullable;

/**
 * Input quoted back in a message (a problem's {@code detail}, a page's error): never more than a short prefix, so
 * that a huge field is not echoed whole. {@code Quoted.of("abc")} is {@code "abc"} with the quotes; input longer
 * than {@link #MAX_CHARS} characters keeps its first {@link #MAX_CHARS} and ends in {@code …}.
 */
public final class Quoted {

	/** The longest quoted input, in characters. */
	public static final int MAX_CHARS = 60;

	/** The longest problem detail; {@link #cut(String, int)} shortens longer ones (a backstop). */
	public static final int MAX_DETAIL_CHARS = 1000;

	private Quoted() {
	}

	/** {@code input} in double quotes, cut to {@link #MAX_CHARS} characters with an ellipsis. */
	public static String of(@Nullable Object input) {
		return "\"" + cut(String.valueOf(input), MAX_CHARS) + "\"";
	}

	/** {@code text}, or its first {@code max} characters and {@code …} when it is longer (never splitting a pair). */
	public static String cut(String text, int max) {
		if (text.length() <= max) {
			return text;
		}
		int end = Character.isLowSurrogate(text.charAt(max)) ? max - 1 : max;
		return text.substring(0, end) + "…";
	}

}
