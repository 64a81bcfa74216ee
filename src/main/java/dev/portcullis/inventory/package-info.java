/**
 * Cluster state per workspace (services, namespaces, nodes, CIDR groups, workloads, pods), imported from kubectl
 * output and versioned: its store, API, page and the accessor that hands it to the engine.
 */
@NullMarked
package dev.portcullis.inventory;

import org.jspecify.annotations.NullMarked;
