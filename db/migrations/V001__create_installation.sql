-- One row that identifies this Portcullis installation. It is written on first start and never changes,
-- so it also shows that the database survives restarts.
CREATE TABLE installation (
    id          uuid        PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    singleton   boolean     NOT NULL DEFAULT true UNIQUE CHECK (singleton)
);

INSERT INTO installation (id) VALUES (gen_random_uuid());
