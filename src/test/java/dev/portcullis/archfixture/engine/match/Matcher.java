package dev.portcullis.archfixture.engine.match;

import dev.portcullis.archfixture.engine.flow.Reader;

/** An engine matcher that knows the flow reader, which knows it: a cycle inside the engine. */
public class Matcher {

	public boolean matches(Reader reader) {
		return reader != null;
	}

}
