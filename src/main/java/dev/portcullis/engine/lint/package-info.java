/**
 * Semantic lint beyond the schema: policies Cilium accepts that very likely do not do what their author meant
 * ({@link dev.portcullis.engine.lint.PolicyLint}), as warnings with line and column.
 */
@NullMarked
package dev.portcullis.engine.lint;

import org.jspecify.annotations.NullMarked;
