-- Visitors' signed agreements (issue 28): the signed copy as a PDF (text, version, name, time,
-- signature), kept for the days staff chose and then deleted. `signer` is a hash of the
-- visitor's e-mail and name together (no e-mail is kept): a returning visitor who signed the
-- current version is not asked again. A visitor row carries the same hash, from their invitation or what a walk-in typed.
CREATE TABLE signed_agreements (
    visit     TEXT    PRIMARY KEY,     -- the visit it was signed for (visitors.local_id)
    signer    TEXT,
    full_name TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    language  TEXT,
    signed_at TEXT    NOT NULL,
    pdf       BLOB    NOT NULL
) STRICT;
CREATE INDEX signed_agreements_by_signer ON signed_agreements (signer, version);
CREATE INDEX signed_agreements_by_time ON signed_agreements (signed_at);
ALTER TABLE visitors ADD COLUMN signer TEXT;
