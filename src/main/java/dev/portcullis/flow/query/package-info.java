/**
 * Flow queries: filters in {@code hubble observe}'s vocabulary, their SQL over the stored flows, keyset paging,
 * exports and the live tail, and the flow API ({@code GET /api/v1/workspaces/{ws}/flows}).
 */
@NullMarked
package dev.portcullis.flow.query;

import org.jspecify.annotations.NullMarked;
