-- "Policy updated on N of M nodes" (issue 15, docs/adr/046): for an applied publication to a Kubernetes target, what
-- the agents behind the workspace's Hubble Relay reported, read again every few seconds for a while after the apply
-- (portcullis.publish.node-rollout.*). One row per publication, added by the rollout worker once the publication has
-- ended; never deleted with anything but its publication.
CREATE TABLE publication_node_rollout (
    publication_id bigint      PRIMARY KEY REFERENCES publication (id) ON DELETE CASCADE,
    -- checks stop after this moment (the apply's end plus the configured duration) or once every node has it
    check_until    timestamptz NOT NULL,
    -- the next check is due then; claiming a check moves it one interval on, so one instance checks at a time
    next_check_at  timestamptz NOT NULL,
    done           boolean     NOT NULL DEFAULT false,
    -- the last reading as JSON: state, updated, total, nodes [{name, updated, reason}], reason
    result         jsonb,
    checked_at     timestamptz
);

CREATE INDEX publication_node_rollout_due ON publication_node_rollout (next_check_at) WHERE NOT done;

-- finding the recently ended Kubernetes applies without reading the whole outbox
CREATE INDEX publication_kubernetes_finished ON publication (finished_at)
    WHERE target_type = 'kubernetes' AND NOT dry_run;
