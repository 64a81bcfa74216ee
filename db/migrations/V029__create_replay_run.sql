-- Long replays as jobs (docs/adr/037, amended): a replay started from the page (or POST .../replay/runs) is a row;
-- any instance's worker claims a PENDING row, or a RUNNING row whose lease lapsed (its instance stopped), with
-- FOR UPDATE SKIP LOCKED, runs it on the engine pool, writes its progress while it runs and its report when it ends.
-- Number 029, not the V015 reserved for it: on an installation already at V024 Flyway refuses a lower version that
-- was never applied (validation fails without outOfOrder), so the table takes the next number after the reserved
-- ones (V025 to V028).
CREATE TABLE replay_run (
    id               uuid        PRIMARY KEY,
    workspace_id     bigint      NOT NULL REFERENCES workspace (id),
    requested_by     text        NOT NULL,
    requested_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- the window: the flow filter as query parameters (JSON object of lists), relative times resolved at window_at
    window_filter    jsonb       NOT NULL,
    window_at        timestamptz NOT NULL,
    -- both states as made when the run was asked for (a named state already resolved by its owner): a StateChoice
    -- (at, draft, deletes) and the report's source (kind, description), each a JSON object
    baseline         jsonb       NOT NULL,
    candidate        jsonb       NOT NULL,
    -- what the page needs to show its form again with the result; null for a run started by the API
    page_form        jsonb,
    status           text        NOT NULL DEFAULT 'PENDING'
                                 CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    cancel_requested boolean     NOT NULL DEFAULT false,
    attempts         integer     NOT NULL DEFAULT 0,
    -- progress, the steps of replay.ReplayProgress: written every half second or so while it runs
    step             text        NOT NULL DEFAULT 'STATES',
    stored_flows     bigint      NOT NULL DEFAULT -1,
    tuples           integer     NOT NULL DEFAULT 0,
    decided          integer     NOT NULL DEFAULT 0,
    -- the finished report, the API's JSON text byte for byte (json, not jsonb, keeps it exact)
    report           json,
    -- why it failed, in words a user may read, and the problem type (too-many-flows, invalid-draft, ...)
    error            text,
    error_type       text,
    claimed_by       text,
    claimed_until    timestamptz,
    started_at       timestamptz,
    finished_at      timestamptz
);

CREATE INDEX replay_run_claimable ON replay_run (requested_at) WHERE status IN ('PENDING', 'RUNNING');
CREATE INDEX replay_run_finished ON replay_run (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX replay_run_by_workspace ON replay_run (workspace_id);
