/**
 * The bounded pool that runs CPU-heavy engine work (parsing, validating, evaluating, diffing) off the threads that
 * serve requests, and refuses work beyond its queue instead of letting it pile up.
 */
@NullMarked
package dev.portcullis.compute;

import org.jspecify.annotations.NullMarked;
