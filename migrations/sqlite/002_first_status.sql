-- calls sync, SQLite schema 2: the status a call had when it was first stored, so that calls
-- whose status changed later can be found (`WHERE status <> first_status`).
ALTER TABLE calls ADD COLUMN first_status TEXT;
UPDATE calls SET first_status = status;
CREATE INDEX calls_changed_at ON calls (changed_at) WHERE changed_at IS NOT NULL;
