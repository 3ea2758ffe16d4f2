-- Which process runs a job ("pid@host"), so a workspace opened after a crash can tell a job that is
-- still running elsewhere from one whose process is gone (state 'interrupted', docs/jobs.md).
ALTER TABLE jobs ADD COLUMN runner TEXT;
