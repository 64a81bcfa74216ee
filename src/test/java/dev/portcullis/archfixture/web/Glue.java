package dev.portcullis.archfixture.web;

import dev.portcullis.archfixture.policy.Store;

/** Web glue that depends on a feature. */
public class Glue {

	Store store;

}
