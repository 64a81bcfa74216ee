-- The audit log: append-only. Rows are never updated or deleted by the application; the trigger makes that
-- a guarantee for every database user that does not own the table's triggers.
CREATE TABLE audit_event (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor           text        NOT NULL,
    actor_kind      text        NOT NULL CHECK (actor_kind IN ('USER', 'TOKEN', 'SYSTEM', 'ANONYMOUS')),
    action          text        NOT NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILURE', 'DENIED')),
    target          text,
    workspace       text,
    remote_address  text,
    details         jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_event_recent ON audit_event (occurred_at DESC, id DESC);
CREATE INDEX audit_event_by_actor ON audit_event (actor, id DESC);
CREATE INDEX audit_event_by_action ON audit_event (action, id DESC);
CREATE INDEX audit_event_by_workspace ON audit_event (workspace, id DESC) WHERE workspace IS NOT NULL;

CREATE FUNCTION refuse_change_of_append_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_append_only();

CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_append_only();
