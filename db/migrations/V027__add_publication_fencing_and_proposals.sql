-- Publishing (issue 15): a fencing token per claim, notes on attempts that lost their lease, superseded pull
-- requests, and what a pull request proposed against what its target branch held (docs/adr/049, 045).

-- Every claim of a publication takes a new token from this sequence; the holder may write the record, and may start
-- an effect on the target, only while the row still carries its token with enough lease left (docs/adr/049).
CREATE SEQUENCE publication_claim_token;

ALTER TABLE publication
    ADD COLUMN claim_token   bigint,
    -- attempts that stopped because their lease lapsed (or ended after another instance took over), in words:
    -- a JSON list of {"at", "by", "text"}; appended by whoever saw it, never rewritten
    ADD COLUMN notes         jsonb  NOT NULL DEFAULT '[]',
    -- for a pull-request publication: the newer publication whose pull request replaced this one's (closed)
    ADD COLUMN superseded_by bigint REFERENCES publication (id);

-- For a Git target in pull-request mode, an object a publication proposed stays "proposed" until the target branch
-- holds it: pull_request is the open proposal's address (null once merged, and for objects pushed or applied),
-- merged_yaml what the branch held when it was proposed (null: no file), proposed_deletion a proposal to remove the
-- file (such rows are not part of what was published until merged).
ALTER TABLE published_object
    ADD COLUMN pull_request      text,
    ADD COLUMN merged_yaml       text,
    ADD COLUMN proposed_deletion boolean NOT NULL DEFAULT false;

-- The objects the last drift check found proposed in an open pull request and not merged yet (JSON list).
ALTER TABLE publish_target
    ADD COLUMN drift_proposed jsonb;
