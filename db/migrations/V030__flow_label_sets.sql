-- Flow ingest speed (issue 12, docs/adr/050). The endpoints' label arrays (about 560 bytes of a 2.2 kB row, and the
-- text[] input function, together about a fifth of the backend's CPU during an upload) are stored once per distinct
-- label set in flow_label_set and referenced from each flow row by the set's id.
--
-- A set's id is derived from its labels, not drawn from a sequence: the first 8 bytes of the SHA-256 of the labels'
-- UTF-8 bytes, each followed by a zero byte (labels cannot hold one: PostgreSQL text cannot), in their order, read as
-- a signed big-endian integer. So the ingest knows every id without asking the database (flow.LabelSets computes the
-- same; a test holds the two equal) and only sends the sets this database may not have yet, on a connection of its
-- own, before the rows that use them. Two different sets with one id are refused by that write (the stored labels
-- are compared), so a collision can never make a flow carry another endpoint's labels.
-- Sets are never deleted: ids stay valid for any row and any cache; there are a few thousand per cluster.

CREATE FUNCTION flow_label_set_id(labels text[]) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ('x' || encode(substr(sha256(coalesce(string_agg(convert_to(l, 'UTF8') || '\x00'::bytea, ''::bytea
        ORDER BY n), ''::bytea)), 1, 8), 'hex'))::bit(64)::bigint
    FROM unnest(labels) WITH ORDINALITY AS u(l, n)
$$;

CREATE TABLE flow_label_set (
    id     bigint PRIMARY KEY,      -- flow_label_set_id(labels)
    labels text[] NOT NULL          -- as Hubble gave them, in its order
);

-- the viewer's label filters look sets up by a label (labels @> ARRAY[...]) and match rows by id
CREATE INDEX flow_label_set_by_label ON flow_label_set USING gin (labels);

INSERT INTO flow_label_set (id, labels)
SELECT flow_label_set_id(l), l
FROM (SELECT source_labels AS l FROM flow UNION SELECT destination_labels FROM flow UNION SELECT '{}'::text[]) sets
ON CONFLICT (id) DO NOTHING;

ALTER TABLE flow ADD COLUMN source_label_set bigint, ADD COLUMN destination_label_set bigint;

-- rewrites the stored flows once on an installation that has some
UPDATE flow SET source_label_set = flow_label_set_id(source_labels),
    destination_label_set = flow_label_set_id(destination_labels);

ALTER TABLE flow
    ALTER COLUMN source_label_set SET DEFAULT flow_label_set_id('{}'),
    ALTER COLUMN source_label_set SET NOT NULL,
    ALTER COLUMN destination_label_set SET DEFAULT flow_label_set_id('{}'),
    ALTER COLUMN destination_label_set SET NOT NULL,
    DROP COLUMN source_labels,
    DROP COLUMN destination_labels;
