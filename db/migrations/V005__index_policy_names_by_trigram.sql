-- The policy list searches names and namespaces by case-insensitive substring (ILIKE '%text%'). Trigram indexes
-- serve that search when the pg_trgm extension can be installed (it ships with PostgreSQL's contrib modules and is
-- trusted: a database owner may install it); without it the search reads the workspace's rows, which is still fast
-- for thousands of policies.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm could not be installed (%); policy search will not use trigram indexes', SQLERRM;
END;
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX policy_name_trigrams ON policy USING gin (name gin_trgm_ops);
        CREATE INDEX policy_namespace_trigrams ON policy USING gin (namespace gin_trgm_ops);
    END IF;
END;
$$;
