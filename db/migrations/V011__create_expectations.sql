-- Connectivity expectations per workspace (issue 11, docs/adr/024): one YAML (or JSON) document holding every named
-- expectation, kept as written; each save is a new, immutable version with the count of expectations, who saved it
-- and when. The version in force at a moment is the newest created at or before it.

CREATE TABLE expectation_version (
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    version       integer     NOT NULL CHECK (version >= 1),
    document      text        NOT NULL,
    expectations  integer     NOT NULL CHECK (expectations >= 0),
    author        text        NOT NULL,
    message       text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (workspace_id, version)
);

-- Versions are append-only for every user that does not own the table's triggers.
CREATE TRIGGER expectation_version_append_only
    BEFORE UPDATE OR DELETE ON expectation_version
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();

CREATE TRIGGER expectation_version_no_truncate
    BEFORE TRUNCATE ON expectation_version
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_append_only();

CREATE INDEX expectation_version_by_time ON expectation_version (workspace_id, created_at DESC, version DESC);
