/**
 * The enforcement engine: parses and validates Cilium and Kubernetes network policies and decides flows as
 * Cilium would, with an explanation. Pure Java: it may use only {@code java.*}, RE2J and JSpecify, does no I/O
 * and knows nothing of Spring (ArchitectureTests holds this).
 */
@NullMarked
package dev.portcullis.engine;

import org.jspecify.annotations.NullMarked;
