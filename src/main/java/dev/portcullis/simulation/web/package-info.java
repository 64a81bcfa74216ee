/**
 * The simulation pages of a workspace: what-if, which policies select an endpoint, the connectivity matrix and the
 * expectations; server-rendered forms over the {@code simulation} services.
 */
@NullMarked
package dev.portcullis.simulation.web;

import org.jspecify.annotations.NullMarked;
