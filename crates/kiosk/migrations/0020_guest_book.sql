-- Returning guests (issue 28): walk-ins the kiosk remembers for the days staff chose (none
-- unless staff say), so that a previous badge's QR code fills their name and company and brings
-- back the e-mail Nexudus needs, and their e-mail typed with their name fills their company.
-- One row per visit (each badge they were given), deleted by the daily tidy after its days.
CREATE TABLE guest_book (
    visit     TEXT PRIMARY KEY,      -- the visit their badge names
    signer    TEXT,                  -- agreements::signer_key: their e-mail and name, hashed
    full_name TEXT NOT NULL,
    company   TEXT,
    email     TEXT NOT NULL,
    seen_at   TEXT NOT NULL
) STRICT;
CREATE INDEX guest_book_by_signer ON guest_book (signer);
CREATE INDEX guest_book_by_time ON guest_book (seen_at);
