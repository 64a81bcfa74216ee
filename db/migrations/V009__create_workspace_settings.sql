-- The agent settings of a workspace (one workspace = one cluster): the Cilium version validation follows and the
-- agent options verdicts depend on. Versioned like policies: every change appends a row with the whole settings
-- object as the API writes it (policy.AgentSettings.toJson); the highest version is in force, and the settings
-- at a moment are the last row created by then. A workspace without rows has Cilium's defaults (version 0).
CREATE TABLE workspace_settings (
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    version      integer     NOT NULL CHECK (version >= 1),
    settings     jsonb       NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
    author       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- two writers that both read version n both try to write n + 1: one of them fails, nothing is lost
    PRIMARY KEY (workspace_id, version)
);

-- Settings versions are history: append-only like policy versions.
CREATE TRIGGER workspace_settings_append_only
    BEFORE UPDATE OR DELETE ON workspace_settings
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();

CREATE TRIGGER workspace_settings_no_truncate
    BEFORE TRUNCATE ON workspace_settings
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_append_only();

-- The settings at a moment.
CREATE INDEX workspace_settings_by_time ON workspace_settings (workspace_id, created_at DESC, version DESC);
