/**
 * Cluster state the engine needs besides policies (services, namespaces, nodes, CIDR groups, workloads, pods), and
 * its reader from {@code kubectl get ... -o yaml} output.
 */
@NullMarked
package dev.portcullis.engine.inventory;

import org.jspecify.annotations.NullMarked;
