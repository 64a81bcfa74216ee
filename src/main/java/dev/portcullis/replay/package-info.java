/**
 * Replay: stored flows of a window decided under two workspace states (what a change would break or newly allow, on
 * the traffic that really happened), and rule hits (how many flows each rule of a policy matched). Reads flows
 * through {@code flow.query.FlowTuples}, states through {@code simulation.Simulations}, decides with the engine on
 * the engine pool.
 */
@NullMarked
package dev.portcullis.replay;

import org.jspecify.annotations.NullMarked;
