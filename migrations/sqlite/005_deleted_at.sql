-- calls sync, SQLite schema 5: deletes at the source. A stored call that a complete, unfiltered
-- read of its window no longer returns gets deleted_at (RFC 3339, UTC) instead of being removed;
-- a call that comes back has it cleared. NULL: the vendor still lists the call.
ALTER TABLE calls ADD COLUMN deleted_at TEXT;
