-- Live flow sources of a workspace (issue 12; docs/adr/027): at most one Hubble Relay and one directory of Hubble
-- exporter files per workspace. Each row is also the source's lease (only the instance named in lease_owner, until
-- lease_until, follows it; instances claim free rows with FOR UPDATE SKIP LOCKED), its status as the page shows it,
-- and for a Relay the resume cursor, written in the same transaction as the flows it covers.
CREATE TABLE flow_source (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint      NOT NULL REFERENCES workspace (id),
    kind              text        NOT NULL CHECK (kind IN ('relay', 'files')),
    enabled           boolean     NOT NULL DEFAULT true,
    -- a Relay: host:port, plain or TLS with a CA, an optional server name and an optional client certificate and key
    address           text        CHECK (address IS NULL OR length(address) <= 300),
    tls               boolean     NOT NULL DEFAULT false,
    server_name       text,
    ca_pem            text,
    client_cert_pem   text,
    -- the client key sealed with AES-256-GCM (12-byte nonce, then ciphertext and tag) under the installation's
    -- source key, which is kept outside the database (flow.sources.SourceSecrets); never returned, never logged
    client_key_sealed bytea,
    -- exporter files: the directory and the active file's name (rotated backups are name-<time>.log[.gz])
    directory         text        CHECK (directory IS NULL OR length(directory) <= 1000),
    file_name         text,
    CHECK ((kind = 'relay') = (address IS NOT NULL)),
    CHECK ((kind = 'files') = (directory IS NOT NULL AND file_name IS NOT NULL)),
    -- bumped by every change of the settings above: a follower started for an older version stops
    config_version    integer     NOT NULL DEFAULT 1,
    updated_by        text        NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- the lease
    lease_owner       text,
    lease_until       timestamptz,
    -- the status
    state             text        NOT NULL DEFAULT 'stopped'
                                  CHECK (state IN ('connecting', 'connected', 'retrying', 'stopped')),
    state_since       timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_error        text,
    last_error_at     timestamptz,
    next_attempt_at   timestamptz,
    flows_stored      bigint      NOT NULL DEFAULT 0,
    -- a Relay's resume point: the newest stored flow time (RFC 3339 with nanoseconds, which timestamptz would round)
    -- and the identities of the flows stored at exactly that time
    cursor_time       text,
    cursor_ids        text[]      NOT NULL DEFAULT '{}',
    UNIQUE (workspace_id, kind)
);

-- How far each exporter file was read, by the file's identity (a hash of its first line, which survives rename and
-- gzip), so that a restart neither loses nor repeats a line, and a rotated or compressed backup is read once.
CREATE TABLE flow_file_position (
    source_id   bigint      NOT NULL REFERENCES flow_source (id) ON DELETE CASCADE,
    fingerprint text        NOT NULL,
    file_name   text        NOT NULL,
    byte_offset bigint      NOT NULL CHECK (byte_offset >= 0),
    lines       bigint      NOT NULL DEFAULT 0 CHECK (lines >= 0),
    done        boolean     NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (source_id, fingerprint)
);
