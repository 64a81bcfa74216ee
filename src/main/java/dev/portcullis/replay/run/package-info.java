/**
 * Long replays as jobs: rows of {@code replay_run} that any instance's worker claims with {@code FOR UPDATE SKIP
 * LOCKED}, runs on the engine pool and finishes with the report (docs/adr/037).
 */
@NullMarked
package dev.portcullis.replay.run;

import org.jspecify.annotations.NullMarked;
