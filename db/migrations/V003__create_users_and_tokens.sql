-- Users, their roles and their API tokens.
-- Usernames are unique regardless of case; a user signs in with a password (hashed, never stored in clear),
-- with an OpenID Connect provider (issuer + subject), or both.
CREATE TABLE app_user (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       text        NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
    display_name   text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash  text,
    role           text        NOT NULL CHECK (role IN ('VIEWER', 'AUTHOR', 'REVIEWER', 'ADMIN')),
    enabled        boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    oidc_issuer    text,
    oidc_subject   text,
    CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL))
);

CREATE UNIQUE INDEX app_user_username_unique ON app_user (lower(username));
CREATE UNIQUE INDEX app_user_oidc_unique ON app_user (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL;

-- API tokens: only the SHA-256 of the secret is stored; the secret is shown once, at creation.
CREATE TABLE api_token (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES app_user (id),
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    secret_sha256 bytea       NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
    hint          text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    CHECK (expires_at IS NULL OR expires_at > created_at)
);

CREATE INDEX api_token_by_user ON api_token (user_id, id DESC);

-- A revoked token stays revoked: the application may set revoked_at once and move last_used_at forward,
-- nothing else.
CREATE FUNCTION api_token_guard() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF NEW.user_id <> OLD.user_id OR NEW.name <> OLD.name OR NEW.secret_sha256 <> OLD.secret_sha256
       OR NEW.created_at <> OLD.created_at OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
       OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at) THEN
        RAISE EXCEPTION 'api_token: only revoked_at (once) and last_used_at may change'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER api_token_guard
    BEFORE UPDATE ON api_token
    FOR EACH ROW EXECUTE FUNCTION api_token_guard();

-- The audit pages filter by outcome and time as well as by actor, action and workspace (V002).
CREATE INDEX audit_event_by_outcome ON audit_event (outcome, id DESC) WHERE outcome <> 'SUCCESS';
