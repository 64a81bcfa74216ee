-- How many warnings the engine gave for each version's text (a feature removed in a later Cilium, an implicit
-- namespace, ...), so that the policy list shows a badge without parsing every policy it lists. The messages
-- themselves are computed from the text when a policy's page shows them. NULL: written before this column existed
-- (unknown; the list shows no badge). policy.head_warnings is the head version's count, copied like head_labels.
ALTER TABLE policy_version ADD COLUMN warnings integer CHECK (warnings >= 0);
ALTER TABLE policy ADD COLUMN head_warnings integer CHECK (head_warnings >= 0);
