-- Cluster state per workspace ("inventory"): each import of kubectl output is a new, immutable version holding only
-- the fields the engine needs (engine.inventory.Inventory as JSON), with the counts per kind, who imported it and when.

CREATE TABLE inventory_version (
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    version       integer     NOT NULL CHECK (version >= 1),
    inventory     jsonb       NOT NULL,
    counts        jsonb       NOT NULL,
    ignored       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    author        text        NOT NULL,
    message       text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (workspace_id, version)
);

-- Versions are append-only for every user that does not own the table's triggers.
CREATE TRIGGER inventory_version_append_only
    BEFORE UPDATE OR DELETE ON inventory_version
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();

CREATE TRIGGER inventory_version_no_truncate
    BEFORE TRUNCATE ON inventory_version
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_append_only();

-- The version in force at a moment: the newest created at or before it.
CREATE INDEX inventory_version_by_time ON inventory_version (workspace_id, created_at DESC, version DESC);
