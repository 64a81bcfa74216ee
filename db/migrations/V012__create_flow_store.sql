-- Hubble flows per workspace (issue 12, docs/adr/025): partitioned by workspace (LIST), then by the flow's UTC day
-- (RANGE), so that retention drops whole tables per workspace and a query for "the last hour" reads one or two days.
-- Partitions are made by flow_ensure_partitions (ingest calls it for the days it sees, a job for the days ahead);
-- they are CREATEd standalone and ATTACHed (SHARE UPDATE EXCLUSIVE on the parent), and retention DETACHes them
-- CONCURRENTLY before dropping them, so that neither blocks a running upload or the viewer.

CREATE SEQUENCE flow_id_seq AS bigint CACHE 1000;

CREATE TABLE flow (
    workspace_id          bigint      NOT NULL,
    -- the flow's own time (Hubble's flow.time); the partition key and, with id, the keyset order (newest first)
    time                  timestamptz NOT NULL,
    id                    bigint      NOT NULL DEFAULT nextval('flow_id_seq'),
    upload_id             bigint      NOT NULL,
    -- how many flows this row stands for: Hubble's aggregate counts summed, 1 without them
    count                 integer     NOT NULL DEFAULT 1 CHECK (count >= 1),
    node_name             text,
    verdict               text,        -- FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, TRACED, TRANSLATED
    drop_reason_desc      text,        -- POLICY_DENIED, ...
    traffic_direction     text,        -- INGRESS, EGRESS
    flow_type             text,        -- Hubble's "Type": L3_L4, L7, SOCK, ...
    is_reply              boolean,
    source_namespace      text,
    source_pod            text,
    source_workload       text,        -- namespace/workload (pod name without its ReplicaSet suffix) or reserved:...
    source_labels         text[]      NOT NULL DEFAULT '{}',
    source_identity       bigint,
    source_cluster        text,        -- the io.cilium.k8s.policy.cluster label (or cluster_name)
    source_ip             inet,
    source_port           integer,
    source_names          text[]      NOT NULL DEFAULT '{}',
    destination_namespace text,
    destination_pod       text,
    destination_workload  text,
    destination_labels    text[]      NOT NULL DEFAULT '{}',
    destination_identity  bigint,
    destination_cluster   text,
    destination_ip        inet,
    destination_port      integer,     -- the L4 destination port; ICMP type for ICMP flows is not a port (NULL)
    destination_names     text[]      NOT NULL DEFAULT '{}',
    protocol              text,        -- TCP, UDP, SCTP, ICMPv4, ICMPv6, VRRP, IGMP
    l7_type               text,        -- REQUEST, RESPONSE, SAMPLE
    http_method           text,
    http_status           integer,
    http_url              text,
    dns_query             text,
    -- the Hubble flow object as imported (the inner "flow" of a GetFlowsResponse line, or the bare flow line)
    flow                  json        NOT NULL
) PARTITION BY LIST (workspace_id);

-- Indexes (measured in docs/adr/025): the keyset order alone, and the viewer's usual first filters
CREATE INDEX flow_by_time ON flow (workspace_id, time DESC, id DESC);
CREATE INDEX flow_by_source_namespace ON flow (source_namespace, verdict, time DESC, id DESC);
CREATE INDEX flow_by_destination_namespace ON flow (destination_namespace, verdict, time DESC, id DESC);

-- Per-minute edges between workloads, kept longer than raw flows (default 30 days) for maps and recommendations.
CREATE TABLE flow_edge_minute (
    workspace_id         bigint      NOT NULL,
    minute               timestamptz NOT NULL,
    source_workload      text        NOT NULL,
    destination_workload text        NOT NULL,
    destination_port     integer     NOT NULL,   -- 0 when the flow has none
    protocol             text        NOT NULL,   -- '' when the flow has none
    verdict              text        NOT NULL,
    count                bigint      NOT NULL CHECK (count >= 1),
    PRIMARY KEY (workspace_id, minute, source_workload, destination_workload, destination_port, protocol, verdict)
) PARTITION BY LIST (workspace_id);

-- Hubble's lost events (ring buffer overflows and the like), per node and minute: the gaps in the data.
CREATE TABLE flow_lost_event (
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    node_name    text        NOT NULL,
    minute       timestamptz NOT NULL,
    source       text        NOT NULL,   -- PERF_EVENT_RING_BUFFER, OBSERVER_EVENTS_QUEUE, HUBBLE_RING_BUFFER, ...
    count        bigint      NOT NULL CHECK (count >= 0),
    PRIMARY KEY (workspace_id, minute, node_name, source)
);

-- One row per ingest call (an upload, a batch from the Relay client or an exporter file), with its counts.
CREATE TABLE flow_upload (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    source       text        NOT NULL CHECK (source IN ('upload', 'relay', 'file')),
    author       text        NOT NULL,
    accepted     bigint      NOT NULL DEFAULT 0,
    rejected     bigint      NOT NULL DEFAULT 0,
    ignored      bigint      NOT NULL DEFAULT 0,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at  timestamptz
);

CREATE INDEX flow_upload_by_workspace ON flow_upload (workspace_id, id DESC);

-- Retention per workspace; a workspace without a row keeps the defaults (portcullis.flows.retention.*).
CREATE TABLE flow_retention (
    workspace_id bigint  PRIMARY KEY REFERENCES workspace (id),
    raw_days     integer NOT NULL CHECK (raw_days BETWEEN 1 AND 3650),
    rollup_days  integer NOT NULL CHECK (rollup_days BETWEEN 1 AND 3650)
);

-- The day partitions that exist, per workspace and table, and when each was last written: retention drops a
-- partition when both its day and its last write are older than the workspace's retention (so flows imported from
-- an old export stay for the retention period after the import).
CREATE TABLE flow_partition (
    workspace_id bigint      NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('flow', 'edge')),
    day          date        NOT NULL,
    table_name   text        NOT NULL,
    written_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (workspace_id, kind, day)
);

-- Makes sure the day partitions of both tables exist for workspace ws from first_day to last_day (UTC days), and
-- marks them written now. Returns how many tables it created. Safe to call concurrently (an advisory lock per
-- workspace serializes the creators); never takes a lock that waits for a running upload or query.
CREATE FUNCTION flow_ensure_partitions(ws bigint, first_day date, last_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    d       date := first_day;
    created integer := 0;
    k       text;
    parent  text;
    child   text;
BEGIN
    PERFORM pg_advisory_xact_lock(1200912, ws::integer);
    FOREACH k IN ARRAY ARRAY['flow', 'edge'] LOOP
        parent := CASE k WHEN 'flow' THEN 'flow_w' ELSE 'flow_edge_minute_w' END || ws;
        IF to_regclass(parent) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (%I)',
                parent, CASE k WHEN 'flow' THEN 'flow' ELSE 'flow_edge_minute' END,
                CASE k WHEN 'flow' THEN 'time' ELSE 'minute' END);
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%s)',
                CASE k WHEN 'flow' THEN 'flow' ELSE 'flow_edge_minute' END, parent, ws);
            created := created + 1;
        END IF;
    END LOOP;
    WHILE d <= last_day LOOP
        FOREACH k IN ARRAY ARRAY['flow', 'edge'] LOOP
            parent := CASE k WHEN 'flow' THEN 'flow_w' ELSE 'flow_edge_minute_w' END || ws;
            child := parent || '_' || to_char(d, 'YYYYMMDD');
            UPDATE flow_partition SET written_at = clock_timestamp()
                WHERE workspace_id = ws AND kind = k AND day = d;
            IF NOT FOUND THEN
                EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', child, parent);
                EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, child,
                    (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
                INSERT INTO flow_partition (workspace_id, kind, day, table_name) VALUES (ws, k, d, child);
                created := created + 1;
            END IF;
        END LOOP;
        d := d + 1;
    END LOOP;
    RETURN created;
END
$$;
