package dev.portcullis.policy;

import java.time.Instant;

/**
 * A set of policies kept together, typically one per cluster or environment.
 *
 * @param name unique, a DNS label: at most 63 lower-case letters, digits and '-'
 * @param description free text, may be empty
 * @param createdAt when it was created
 * @param createdBy the username of who created it
 * @param policies how many policies it holds now (deleted ones not counted)
 */
public record Workspace(String name, String description, Instant createdAt, String createdBy, long policies) {
}
