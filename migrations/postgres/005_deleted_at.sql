-- calls sync, PostgreSQL schema 5: deletes at the source. A stored call that a complete,
-- unfiltered read of its window no longer returns gets deleted_at instead of being removed; a
-- call that comes back has it cleared. NULL: the vendor still lists the call. The partial index
-- finds the few calls marked gone without reading the others.
ALTER TABLE calls ADD COLUMN deleted_at timestamptz;
CREATE INDEX calls_deleted_at ON calls (deleted_at) WHERE deleted_at IS NOT NULL;
