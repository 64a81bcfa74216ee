/**
 * What-if simulation: traffic ({@link dev.portcullis.simulation.Traffic} descriptions or Hubble flows) tried against
 * policy text ({@code POST /api/v1/evaluate}) or a state of a workspace, its latest versions, a past moment or a draft
 * ({@link dev.portcullis.simulation.Simulations}), with which policies select an endpoint, a connectivity matrix,
 * stored expectations and least-privilege suggestions (docs/adr/024).
 */
@NullMarked
package dev.portcullis.simulation;

import org.jspecify.annotations.NullMarked;
