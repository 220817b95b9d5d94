-- The kiosk's database. Append-only: never edit a migration that has shipped; add a new one.

-- The member cache: what a tile and the rules need. PINs and card numbers only as keyed hashes.
CREATE TABLE members (
    id              INTEGER PRIMARY KEY,          -- Nexudus coworker Id
    full_name       TEXT    NOT NULL,
    company         TEXT,
    active          INTEGER NOT NULL,
    plan            TEXT,                          -- TariffName; NULL = no plan
    home_location   INTEGER,                       -- InvoicingBusinessId
    locations       TEXT    NOT NULL DEFAULT '[]', -- JSON array of business Ids
    teams           TEXT    NOT NULL DEFAULT '[]', -- JSON array of team Ids
    pin_hash        BLOB,
    card_hash       BLOB,
    updated_on      TEXT                           -- the server's UpdatedOn
) STRICT;
CREATE INDEX members_by_pin ON members (pin_hash) WHERE pin_hash IS NOT NULL;
CREATE INDEX members_by_card ON members (card_hash) WHERE card_hash IS NOT NULL;

CREATE TABLE teams (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE locations (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    time_zone TEXT
) STRICT;

-- Check-ins: the kiosk's own (origin 'kiosk') and those read from the server (origin 'server':
-- other kiosks, doors, staff), so the grid shows who is in.
CREATE TABLE checkins (
    local_id        TEXT    PRIMARY KEY,           -- UUIDv7, also sent as SystemId
    nexudus_id      INTEGER UNIQUE,
    member_id       INTEGER NOT NULL,
    location_id     INTEGER NOT NULL,
    from_time       TEXT    NOT NULL,              -- RFC 3339 UTC
    from_time_local TEXT,
    to_time         TEXT,
    to_time_local   TEXT,
    source          INTEGER NOT NULL,
    method          TEXT    NOT NULL,              -- tile | pin | card | server
    auto_checkout   INTEGER NOT NULL,
    teams           TEXT,
    plan            TEXT,
    origin          TEXT    NOT NULL,              -- kiosk | server
    extra           TEXT    NOT NULL DEFAULT '{}', -- server fields the kiosk does not own, kept for PUTs
    created_at      TEXT    NOT NULL
) STRICT;
CREATE INDEX checkins_open ON checkins (member_id) WHERE to_time IS NULL;
CREATE INDEX checkins_by_from ON checkins (location_id, from_time);

CREATE TABLE failed_checkins (
    local_id        TEXT    PRIMARY KEY,
    nexudus_id      INTEGER UNIQUE,
    member_id       INTEGER,
    location_id     INTEGER NOT NULL,
    attempt_time    TEXT    NOT NULL,
    attempt_local   TEXT,
    source          INTEGER NOT NULL,
    method          TEXT    NOT NULL,
    reason          TEXT    NOT NULL,              -- a stable code
    description     TEXT    NOT NULL,              -- what staff read in Nexudus
    teams           TEXT,
    plan            TEXT
) STRICT;
CREATE INDEX failed_by_member ON failed_checkins (member_id, attempt_time);

-- The outbox: one row per write to send, in order.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    op              TEXT    NOT NULL,              -- create_checkin | close_checkin | create_failed
    target          TEXT    NOT NULL,              -- local_id of the check-in or failed check-in
    status          TEXT    NOT NULL DEFAULT 'pending', -- pending | claimed | done | parked
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT,
    claimed_at      TEXT,
    in_doubt        INTEGER NOT NULL DEFAULT 0,    -- a send may have reached the server: look up first
    created_at      TEXT    NOT NULL,
    done_at         TEXT
) STRICT;
CREATE INDEX outbox_open ON outbox (status, id) WHERE status IN ('pending', 'claimed', 'parked');

CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
) STRICT;
