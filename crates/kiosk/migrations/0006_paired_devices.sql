-- Tablets paired with this kiosk. The token a tablet holds is kept only as its SHA-256 (it is
-- 256 random bits: a fast hash is enough, and a copied database pairs nothing). A revoked tablet
-- keeps its row, for the staff panel's history and the audit log.
CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    paired_at TEXT NOT NULL,
    paired_from TEXT NOT NULL,
    last_seen TEXT,
    revoked_at TEXT
);
