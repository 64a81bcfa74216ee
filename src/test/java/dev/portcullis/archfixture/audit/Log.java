package dev.portcullis.archfixture.audit;

import dev.portcullis.archfixture.policy.Store;

/** An audit log that knows a feature writing to it: a cycle between features. */
public class Log {

	Store store;

}
