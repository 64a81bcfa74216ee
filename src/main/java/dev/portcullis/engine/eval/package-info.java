/**
 * Decides flows against compiled policies as Cilium enforces them (egress at the source, ingress at the
 * destination, deny before allow, L7 after L3/L4), and explains each decision on request.
 */
@NullMarked
package dev.portcullis.engine.eval;

import org.jspecify.annotations.NullMarked;
