package dev.portcullis.archfixture.engine.flow;

import dev.portcullis.archfixture.engine.match.Matcher;

/** The other half of the engine's cycle. */
public class Reader {

	boolean validate(Matcher matcher) {
		return matcher.matches(this);
	}

}
