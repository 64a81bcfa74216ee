/**
 * What-if evaluation: traffic tried against policies. For now the stateless {@code POST /api/v1/evaluate}.
 */
@NullMarked
package dev.portcullis.simulation;

import org.jspecify.annotations.NullMarked;
