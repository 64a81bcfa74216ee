/**
 * Reads YAML and JSON text into the engine's positioned {@link dev.portcullis.engine.doc.Node} trees, with load
 * limits that refuse oversized input and YAML bombs quickly.
 */
@NullMarked
package dev.portcullis.yaml;

import org.jspecify.annotations.NullMarked;
