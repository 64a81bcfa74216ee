/** Reads policy documents into {@code engine.api} records and validates them as Cilium and its CRD schemas do. */
@NullMarked
package dev.portcullis.engine.parse;

import org.jspecify.annotations.NullMarked;
