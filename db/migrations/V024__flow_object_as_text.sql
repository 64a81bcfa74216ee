-- Flow ingest speed (issue 12, docs/adr/028, amendment "ingest12"). The flow object as imported is kept as text
-- instead of json: PostgreSQL validated every object again on COPY (json_recv runs the JSON lexer over every byte),
-- about a tenth of the backend's CPU during an upload (perf), although the flow reader has already parsed every
-- line with a strict JSON parser and rejects what is not JSON. json is stored as its text, so what is kept and what
-- readers get is the same bytes; queries that look into the object cast it (CAST(flow AS json)->'l4'), which is
-- what the json operators did anyway (json is parsed on every access).
-- On an installation with stored flows this rewrites the flow partitions once (json to text has no binary cast).
ALTER TABLE flow ALTER COLUMN flow TYPE text;
