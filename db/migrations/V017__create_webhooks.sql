-- Outgoing webhooks of a workspace (issue 14, docs/adr/032): where to send which events, with a secret that signs
-- each request (HMAC-SHA256). The secret is sealed with AES-256-GCM under the installation key kept outside the
-- database (secrets.SecretBox, context 'webhook:<id>'); it is never returned and never logged.
CREATE TABLE webhook (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    url           text        NOT NULL CHECK (length(url) <= 2000 AND url ~* '^https?://'),
    secret_sealed bytea       NOT NULL,
    events        text[]      NOT NULL CHECK (cardinality(events) >= 1),
    active        boolean     NOT NULL DEFAULT true,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by    text        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (workspace_id, name)
);

-- The outbox of deliveries: one row per webhook and event, written in the transaction of the change it reports (a
-- rolled-back change sends nothing). A worker claims due PENDING rows with FOR UPDATE SKIP LOCKED and, in the same
-- statement, moves next_attempt_at past its request timeout (the claim's lease) and counts the attempt, so that
-- several instances never send one attempt twice and a crashed instance's claim is retried after the lease. A
-- failed attempt sets next_attempt_at by exponential backoff with jitter; after the last allowed attempt the row is
-- FAILED. body is json (not jsonb) so that the bytes signed and sent are kept exactly.
CREATE TABLE webhook_delivery (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id       bigint      NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    event            text        NOT NULL,
    body             json        NOT NULL,
    status           text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    claimed_by       text,
    last_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((status = 'DELIVERED') = (delivered_at IS NOT NULL))
);

CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_by_webhook ON webhook_delivery (webhook_id, id DESC);
CREATE INDEX webhook_by_workspace ON webhook (workspace_id) WHERE active;
