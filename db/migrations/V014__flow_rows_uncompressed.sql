-- Flow ingest speed (docs/adr/028). A flow row is about 1.8 kB on average (the flow object as imported, the label
-- arrays, the filter columns), so many rows passed PostgreSQL's TOAST threshold (about 2 kB) and had their flow
-- object compressed with pglz on insert: the largest single cost of the backend during an upload (17 % of its CPU,
-- measured with perf). Day partitions of flow now keep rows of up to a page inline and uncompressed
-- (toast_tuple_target = 8160, the maximum): ingest costs less CPU and reading a row needs no decompression, at the
-- price of a larger heap (about a fifth more for the real Hubble exports). Rows longer than a page are still
-- compressed and moved out of line as before. The setting is per table (a partitioned table cannot carry it), so
-- flow_ensure_partitions sets it on every day partition it makes, and the ones that exist get it here (it applies
-- to rows written from now on).

DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT table_name FROM flow_partition WHERE kind = 'flow' LOOP
        IF to_regclass(t) IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %I SET (toast_tuple_target = 8160)', t);
        END IF;
    END LOOP;
END
$$;

-- As in V012, with the day partitions of flow made WITH (toast_tuple_target = 8160).
CREATE OR REPLACE FUNCTION flow_ensure_partitions(ws bigint, first_day date, last_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    d       date := first_day;
    created integer := 0;
    k       text;
    parent  text;
    child   text;
BEGIN
    PERFORM pg_advisory_xact_lock(1200912, ws::integer);
    FOREACH k IN ARRAY ARRAY['flow', 'edge'] LOOP
        parent := CASE k WHEN 'flow' THEN 'flow_w' ELSE 'flow_edge_minute_w' END || ws;
        IF to_regclass(parent) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (%I)',
                parent, CASE k WHEN 'flow' THEN 'flow' ELSE 'flow_edge_minute' END,
                CASE k WHEN 'flow' THEN 'time' ELSE 'minute' END);
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%s)',
                CASE k WHEN 'flow' THEN 'flow' ELSE 'flow_edge_minute' END, parent, ws);
            created := created + 1;
        END IF;
    END LOOP;
    WHILE d <= last_day LOOP
        FOREACH k IN ARRAY ARRAY['flow', 'edge'] LOOP
            parent := CASE k WHEN 'flow' THEN 'flow_w' ELSE 'flow_edge_minute_w' END || ws;
            child := parent || '_' || to_char(d, 'YYYYMMDD');
            UPDATE flow_partition SET written_at = clock_timestamp()
                WHERE workspace_id = ws AND kind = k AND day = d;
            IF NOT FOUND THEN
                EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)%s', child, parent,
                    CASE k WHEN 'flow' THEN ' WITH (toast_tuple_target = 8160)' ELSE '' END);
                EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, child,
                    (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
                INSERT INTO flow_partition (workspace_id, kind, day, table_name) VALUES (ws, k, d, child);
                created := created + 1;
            END IF;
        END LOOP;
        d := d + 1;
    END LOOP;
    RETURN created;
END
$$;
