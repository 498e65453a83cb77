-- calls sync, SQLite schema 1: the calls, one row per profile and call id; the state of each
-- profile and filter set; the schema version.
CREATE TABLE calls (
    profile         TEXT NOT NULL,
    vendor          TEXT NOT NULL,
    id              TEXT NOT NULL,
    started_at      TEXT NOT NULL,      -- RFC 3339, UTC: 2025-05-31T12:00:00Z
    ended_at        TEXT,
    direction       TEXT NOT NULL,
    status          TEXT NOT NULL,
    vendor_status   TEXT,
    duration        INTEGER,            -- seconds
    talk_time       INTEGER,            -- seconds
    customer_number TEXT,
    line_number     TEXT,
    agent           TEXT,
    campaign        TEXT,
    recording_url   TEXT,
    cost            TEXT,               -- decimal, as the vendor gives it
    raw             TEXT,               -- the vendor's record, JSON
    first_seen_at   TEXT NOT NULL,      -- when this database first stored the call
    changed_at      TEXT,               -- when a later sync last found it changed; NULL: never
    hash            INTEGER NOT NULL,   -- of every field above from vendor to raw
    PRIMARY KEY (profile, id)
);
CREATE INDEX calls_started_at ON calls (started_at);

CREATE TABLE sync_state (
    profile           TEXT NOT NULL,
    filters           TEXT NOT NULL,    -- the filter set of the runs (not --from / --to)
    newest_started_at TEXT,             -- the newest call these runs stored
    synced_to         TEXT NOT NULL,    -- the end of the last complete run's window
    synced_at         TEXT NOT NULL,
    PRIMARY KEY (profile, filters)
);

CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (0);
