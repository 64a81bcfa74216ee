/**
 * The Git adapter: publishes a workspace as one YAML file per policy into a folder of a branch, one commit per
 * publication, never rewriting history; and reads the folder back for drift.
 */
@NullMarked
package dev.portcullis.publish.git;

import org.jspecify.annotations.NullMarked;
