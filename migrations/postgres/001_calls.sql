-- calls sync, PostgreSQL schema 1: the calls, one row per profile and call id; the state of
-- each profile and filter set; the schema version.
CREATE TABLE calls (
    profile         text NOT NULL,
    vendor          text NOT NULL,
    id              text NOT NULL,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    direction       text NOT NULL,
    status          text NOT NULL,
    vendor_status   text,
    duration        bigint,            -- seconds
    talk_time       bigint,            -- seconds
    customer_number text,
    line_number     text,
    agent           text,
    campaign        text,
    recording_url   text,
    cost            numeric,           -- NULL where the vendor's text is not a plain decimal
    raw             jsonb,             -- the vendor's record
    first_seen_at   timestamptz NOT NULL,
    changed_at      timestamptz,       -- when a later sync last found it changed; NULL: never
    hash            bigint NOT NULL,   -- of every field from vendor to raw
    first_status    text,              -- the status when first stored
    PRIMARY KEY (profile, id)
);
CREATE INDEX calls_started_at ON calls (started_at);
CREATE INDEX calls_changed_at ON calls (changed_at) WHERE changed_at IS NOT NULL;

CREATE TABLE sync_state (
    profile           text NOT NULL,
    filters           text NOT NULL,
    newest_started_at timestamptz,
    synced_to         timestamptz NOT NULL,
    synced_at         timestamptz NOT NULL,
    PRIMARY KEY (profile, filters)
);

CREATE TABLE schema_version (version integer NOT NULL);
INSERT INTO schema_version (version) VALUES (0);
