-- Review and approval (issue 14, docs/adr/031): protection rules per workspace, change requests with their
-- revisions (each revision's bundle text, its deletes and the base version of every policy it touches), reviews,
-- comments, and the link from a policy version to the change request whose merge wrote it.

-- The rules of a protected workspace. No row: not protected. Written by review (admins); read by policy's write
-- path, which refuses direct changes of a protected workspace (it reads the row FOR SHARE, so turning protection
-- on waits for writes in flight and the writes after it see it).
CREATE TABLE workspace_protection (
    workspace_id                   bigint      PRIMARY KEY REFERENCES workspace (id),
    protected                      boolean     NOT NULL,
    required_approvals             integer     NOT NULL CHECK (required_approvals BETWEEN 1 AND 6),
    dismiss_stale_approvals        boolean     NOT NULL,
    require_last_revision_approval boolean     NOT NULL,
    require_expectations           boolean     NOT NULL,
    updated_at                     timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by                     text        NOT NULL
);

CREATE TABLE change_request (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    title         text        NOT NULL CHECK (title <> ''),
    description   text        NOT NULL DEFAULT '',
    author        text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('OPEN', 'APPROVED', 'CHANGES_REQUESTED', 'MERGED', 'WITHDRAWN')),
    -- the latest revision; revisions 1..revision exist
    revision      integer     NOT NULL CHECK (revision >= 1),
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    closed_at     timestamptz,
    closed_by     text,
    -- set when an admin merged without the rules holding
    bypass_reason text,
    CHECK ((status IN ('MERGED', 'WITHDRAWN')) = (closed_at IS NOT NULL))
);

CREATE INDEX change_request_by_workspace ON change_request (workspace_id, status, id DESC);

-- One revision: what the change would write. Append-only.
CREATE TABLE change_revision (
    change_request_id bigint      NOT NULL REFERENCES change_request (id),
    revision          integer     NOT NULL CHECK (revision >= 1),
    changes           text        NOT NULL,
    author            text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (change_request_id, revision)
);

-- Every policy a revision touches: changed (from the bundle) or deleted, and the head version it was based on
-- (null: the policy did not exist). A merge refuses when any head is no longer its base.
CREATE TABLE change_revision_policy (
    change_request_id bigint  NOT NULL,
    revision          integer NOT NULL,
    kind              text    NOT NULL,
    namespace         text    NOT NULL,
    name              text    NOT NULL,
    deleted           boolean NOT NULL,
    base_version      integer,
    PRIMARY KEY (change_request_id, revision, kind, namespace, name),
    FOREIGN KEY (change_request_id, revision) REFERENCES change_revision (change_request_id, revision)
);

CREATE TRIGGER change_revision_append_only
    BEFORE UPDATE OR DELETE ON change_revision
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();

CREATE TRIGGER change_revision_policy_append_only
    BEFORE UPDATE OR DELETE ON change_revision_policy
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();

-- A review of one revision. stale: dismissed by a later revision (rule dismiss_stale_approvals).
CREATE TABLE change_review (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    change_request_id bigint      NOT NULL REFERENCES change_request (id),
    revision          integer     NOT NULL,
    reviewer          text        NOT NULL,
    decision          text        NOT NULL CHECK (decision IN ('APPROVE', 'REQUEST_CHANGES', 'COMMENT')),
    body              text        NOT NULL DEFAULT '',
    stale             boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    FOREIGN KEY (change_request_id, revision) REFERENCES change_revision (change_request_id, revision)
);

CREATE INDEX change_review_by_change ON change_review (change_request_id, id);

-- A comment on the change (no policy) or on a line of a policy in a revision; replies name their thread's first
-- comment (parent_id); a thread is resolved on its first comment.
CREATE TABLE change_comment (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    change_request_id bigint      NOT NULL REFERENCES change_request (id),
    revision          integer     NOT NULL,
    parent_id         bigint      REFERENCES change_comment (id),
    policy            text,
    line              integer     CHECK (line >= 1),
    author            text        NOT NULL,
    body              text        NOT NULL CHECK (body <> ''),
    resolved          boolean     NOT NULL DEFAULT false,
    resolved_by       text,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (line IS NULL OR policy IS NOT NULL),
    FOREIGN KEY (change_request_id, revision) REFERENCES change_revision (change_request_id, revision)
);

CREATE INDEX change_comment_by_change ON change_comment (change_request_id, id);

-- The change request whose merge wrote a version (null: a direct save, import, delete or restore). Adding a
-- nullable column rewrites no row, so the append-only triggers do not fire.
ALTER TABLE policy_version ADD COLUMN change_request_id bigint REFERENCES change_request (id);
CREATE INDEX policy_version_by_change_request ON policy_version (change_request_id) WHERE change_request_id IS NOT NULL;
