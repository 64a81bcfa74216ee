-- Publishing (issue 15; docs/adr/033): targets a workspace publishes to, the publication outbox, and what was last
-- published to each target (the basis of "unchanged" and of drift).

-- A target: a Git repository or a Kubernetes API server. Settings are the non-secret fields as JSON text values
-- (url, branch, path, server, caData, auth.type); credentials are the secret fields of "auth" as one JSON object,
-- sealed with AES-256-GCM (secrets.SecretBox) under the installation's key kept outside the database; never returned,
-- never logged.
CREATE TABLE publish_target (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id       bigint      NOT NULL REFERENCES workspace (id),
    name               text        NOT NULL CHECK (name ~ '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'),
    type               text        NOT NULL CHECK (type IN ('git', 'kubernetes')),
    settings           jsonb       NOT NULL DEFAULT '{}',
    credentials_sealed bytea,
    created_by         text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by         text        NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- the last drift check: the differences found (JSON list of drift items), when, and an error in words
    drift              jsonb,
    drift_checked_at   timestamptz,
    drift_error        text,
    UNIQUE (workspace_id, name)
);

-- The outbox: one row per publication of a workspace's state to one target. Workers claim PENDING rows whose
-- next_attempt_at has come (or RUNNING rows whose lease lapsed) with FOR UPDATE SKIP LOCKED, at most one RUNNING per
-- target (the partial unique index below backs the claim's own check). A row is never deleted; a deleted target's
-- rows keep its name.
CREATE TABLE publication (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint      NOT NULL REFERENCES workspace (id),
    target_id         bigint      REFERENCES publish_target (id) ON DELETE SET NULL,
    target_name       text        NOT NULL,
    target_type       text        NOT NULL,
    -- what is published: the workspace state at state_at, as the set of policy versions in force then
    state_at          timestamptz NOT NULL,
    state_versions    jsonb       NOT NULL,
    change_requests   jsonb       NOT NULL DEFAULT '[]',
    dry_run           boolean     NOT NULL DEFAULT false,
    force_conflicts   boolean     NOT NULL DEFAULT false,
    status            text        NOT NULL DEFAULT 'PENDING'
                                  CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED')),
    attempts          integer     NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    claimed_by        text,
    claimed_until     timestamptz,
    -- set when the adapter's apply began: a later attempt must converge (never apply twice)
    apply_started_at  timestamptz,
    plan              jsonb,
    results           jsonb,
    commit_id         text,
    resource_versions jsonb,
    error             text,
    requested_by      text        NOT NULL,
    requested_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    started_at        timestamptz,
    finished_at       timestamptz,
    retry_of          bigint      REFERENCES publication (id)
);

CREATE INDEX publication_claimable ON publication (next_attempt_at) WHERE status IN ('PENDING', 'RUNNING');
CREATE INDEX publication_by_workspace ON publication (workspace_id, id DESC);
CREATE INDEX publication_by_target ON publication (target_id, id DESC);
CREATE UNIQUE INDEX publication_one_running_per_target ON publication (target_id) WHERE status = 'RUNNING';

-- What the last successful (or partial) publication put on each target, object by object: written in the same
-- transaction as the publication's result.
CREATE TABLE published_object (
    target_id      bigint NOT NULL REFERENCES publish_target (id) ON DELETE CASCADE,
    kind           text   NOT NULL,
    namespace      text   NOT NULL,
    name           text   NOT NULL,
    yaml           text   NOT NULL,
    publication_id bigint NOT NULL REFERENCES publication (id),
    PRIMARY KEY (target_id, kind, namespace, name)
);
