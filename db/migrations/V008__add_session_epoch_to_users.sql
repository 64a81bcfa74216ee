-- Ending a user's sessions (docs/adr/010). A session remembers the user's session_epoch at sign-in and is
-- honoured only while the row still has that epoch. Whatever a session was granted on (password, role, being
-- enabled) changing bumps the epoch, whichever code or statement changes it, so every session of the user ends.
ALTER TABLE app_user ADD COLUMN session_epoch bigint NOT NULL DEFAULT 0;

CREATE FUNCTION app_user_end_sessions() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF NEW.password_hash IS DISTINCT FROM OLD.password_hash OR NEW.role <> OLD.role
       OR (OLD.enabled AND NOT NEW.enabled) THEN
        NEW.session_epoch := OLD.session_epoch + 1;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER app_user_end_sessions
    BEFORE UPDATE ON app_user
    FOR EACH ROW EXECUTE FUNCTION app_user_end_sessions();
