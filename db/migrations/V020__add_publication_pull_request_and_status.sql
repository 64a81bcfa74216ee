-- Pull requests and commit statuses on GitHub/GitLab (issue 15; docs/adr/045): a Git target may propose a
-- publication as a pull (merge) request instead of pushing to its branch, and set the commit status
-- portcullis/impact with the replay summary. The publication record keeps the pull request's address and the status
-- it set, in words.
ALTER TABLE publication
    ADD COLUMN pull_request  text,
    ADD COLUMN commit_status text;
