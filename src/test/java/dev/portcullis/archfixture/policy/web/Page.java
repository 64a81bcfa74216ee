package dev.portcullis.archfixture.policy.web;

import dev.portcullis.archfixture.policy.Store;

/** A page of a feature whose package uses the page back: a cycle inside one feature. */
public class Page {

	Store store;

}
