/** Flows as Hubble prints them ({@code hubble observe -o json}), read into records the evaluator decides. */
@NullMarked
package dev.portcullis.engine.flow;

import org.jspecify.annotations.NullMarked;
