-- calls sync, SQLite schema 3: the newest modification time the vendor gave among the calls a
-- run read (Callcap `last_modified`, Famulor Platform 2.0 `updated_at`), so that the next run
-- reads what was modified since instead of re-reading a whole revisit window. NULL elsewhere,
-- and for states written before: that run re-reads its revisit window once.
ALTER TABLE sync_state ADD COLUMN newest_modified_at TEXT;
