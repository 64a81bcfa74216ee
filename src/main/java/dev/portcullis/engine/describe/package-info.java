/**
 * Policies in words and as a graph: {@link dev.portcullis.engine.describe.PolicyDescription} (a plain-language
 * summary a reviewer reads without YAML) and {@link dev.portcullis.engine.describe.PolicyGraph} (who may talk to
 * whom). Both read the parsed model and say the same things in the same words.
 */
@NullMarked
package dev.portcullis.engine.describe;

import org.jspecify.annotations.NullMarked;
