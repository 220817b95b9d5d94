-- Visitors of the kiosk's location (contract section 8): the day's expected guests, pulled so an
-- invitation's code works offline. Only what the front desk shows is kept (no e-mail, no phone),
-- and only for the day: rows are wiped once their day is over and nothing waits to be sent.
CREATE TABLE visitors (
    local_id         TEXT    PRIMARY KEY,       -- UUIDv7
    nexudus_id       INTEGER UNIQUE,
    location_id      INTEGER NOT NULL,
    full_name        TEXT    NOT NULL,
    code             TEXT,                      -- the invitation's VisitorCode, in capitals
    host_id          INTEGER,
    host_name        TEXT,
    expected_arrival TEXT    NOT NULL,          -- RFC 3339 UTC
    arrived_at       TEXT,
    departed_at      TEXT
) STRICT;
CREATE INDEX visitors_by_code ON visitors (code) WHERE code IS NOT NULL;
