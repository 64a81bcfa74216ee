-- Periodic drift checks (issue 15; docs/adr/038): each instance's drift worker claims a target whose last check is
-- older than portcullis.publish.drift-interval with FOR UPDATE SKIP LOCKED and holds it with a lease while it reads
-- the target, so that several instances on one database check each target once per interval. The result goes to the
-- drift columns V018 made (drift, drift_checked_at, drift_error) only while the lease is still this instance's.
ALTER TABLE publish_target
    ADD COLUMN drift_claimed_by    text,
    ADD COLUMN drift_claimed_until timestamptz;

CREATE INDEX publish_target_drift_due ON publish_target (drift_checked_at NULLS FIRST, id);
