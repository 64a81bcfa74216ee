-- The versioned policy store. A workspace holds policies identified by kind, namespace ('' for cluster-wide kinds)
-- and name; each policy is an append-only list of versions. policy is the mutable index of heads (one row per key,
-- pointing at its latest version, with that version's facts copied for the list page); policy_version is history
-- and is never updated or deleted.

CREATE TABLE workspace (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'),
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    created_by  text        NOT NULL
);

CREATE TABLE policy (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    kind          text        NOT NULL CHECK (kind IN ('CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy')),
    namespace     text        NOT NULL,
    name          text        NOT NULL CHECK (name <> ''),
    -- the head: optimistic locking compares and sets head_version
    head_version  integer     NOT NULL CHECK (head_version >= 1),
    head_deleted  boolean     NOT NULL,
    head_labels   jsonb       NOT NULL DEFAULT '{}'::jsonb,
    head_hash     text        NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK ((kind = 'CiliumClusterwideNetworkPolicy') = (namespace = '')),
    -- the keyset order of the list page: namespace, name, kind
    CONSTRAINT policy_key UNIQUE (workspace_id, namespace, name, kind)
);

CREATE TABLE policy_version (
    policy_id     bigint      NOT NULL REFERENCES policy (id),
    version       integer     NOT NULL CHECK (version >= 1),
    deleted       boolean     NOT NULL,
    yaml          text        NOT NULL,
    canonical     text        NOT NULL,
    content_hash  text        NOT NULL,
    labels        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    author        text        NOT NULL,
    message       text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (policy_id, version)
);

-- A head always points at an existing version of the same policy; checked at commit, since a new policy's row and
-- its first version are written in one transaction.
ALTER TABLE policy ADD CONSTRAINT policy_head_exists FOREIGN KEY (id, head_version)
    REFERENCES policy_version (policy_id, version) DEFERRABLE INITIALLY DEFERRED;

-- Versions are append-only for every user that does not own the table's triggers.
CREATE TRIGGER policy_version_append_only
    BEFORE UPDATE OR DELETE ON policy_version
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();

CREATE TRIGGER policy_version_no_truncate
    BEFORE TRUNCATE ON policy_version
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_append_only();

-- List page: filter by kind or namespace within the keyset order, by label (jsonb containment / key exists).
CREATE INDEX policy_by_kind ON policy (workspace_id, kind, namespace, name);
CREATE INDEX policy_labels ON policy USING gin (head_labels jsonb_path_ops);
CREATE INDEX policy_label_keys ON policy USING gin (head_labels);
-- As-of queries and moments: versions of one policy by time.
CREATE INDEX policy_version_by_time ON policy_version (policy_id, created_at DESC, version DESC);
