-- calls sync, PostgreSQL schema 4: where the window a job has read completely begins, so that a
-- later run whose --from reaches further back reads that older part too, instead of silently
-- starting from the newest call stored. NULL for states written before: the oldest call stored
-- for the profile stands in for it.
ALTER TABLE sync_state ADD COLUMN synced_from timestamptz;
