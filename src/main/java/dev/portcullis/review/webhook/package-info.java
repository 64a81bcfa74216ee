/**
 * Outgoing webhooks of a workspace: an outbox of deliveries written in the transaction of the change they report
 * ({@link dev.portcullis.review.webhook.Webhooks#enqueue}), delivered by a worker as HMAC-signed JSON that chat
 * relays can post, retried with backoff (docs/adr/032).
 */
@NullMarked
package dev.portcullis.review.webhook;

import org.jspecify.annotations.NullMarked;
