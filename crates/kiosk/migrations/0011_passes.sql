-- Passes (issue 24): members without a plan come on a day pass or a bundle of them. The
-- account's unused passes as last read, and the ones read before that are now used (no longer
-- listed) or that this kiosk used for a check-in Nexudus has not yet taken (`spent_by`, the
-- check-in's local id), so a member's last pass is not used twice here while offline.
CREATE TABLE passes (
    id             INTEGER PRIMARY KEY,
    member_id      INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    used           INTEGER NOT NULL DEFAULT 0,
    expires        TEXT,
    price_cents    INTEGER NOT NULL DEFAULT 0,
    bought         INTEGER NOT NULL DEFAULT 0,
    remaining_uses INTEGER,
    total_uses     INTEGER,
    spent_by       TEXT,
    seen_at        TEXT    NOT NULL
);
CREATE INDEX passes_by_member ON passes (member_id);
