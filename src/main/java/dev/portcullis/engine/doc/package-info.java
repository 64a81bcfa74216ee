/** The positioned document tree the engine reads policies and flows from, and the violations it reports. */
@NullMarked
package dev.portcullis.engine.doc;

import org.jspecify.annotations.NullMarked;
