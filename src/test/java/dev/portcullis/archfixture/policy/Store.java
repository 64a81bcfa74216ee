package dev.portcullis.archfixture.policy;

import dev.portcullis.archfixture.audit.Log;
import dev.portcullis.archfixture.engine.match.Matcher;

/** A feature that reaches into the engine's matchers and records to an audit log that knows it back. */
public class Store {

	Matcher matcher;

	Log log;

}
