/**
 * The Kubernetes target: server-side apply of Cilium and Kubernetes network policies with the field manager
 * {@code portcullis}, plans from server-side dry runs, Cilium's {@code Valid} condition read back, and drift per
 * field with the manager that owns it (docs/adr/034). All calls to the API server are in {@link
 * dev.portcullis.publish.kubernetes.KubernetesAdapter}.
 */
@NullMarked
package dev.portcullis.publish.kubernetes;

import org.jspecify.annotations.NullMarked;
