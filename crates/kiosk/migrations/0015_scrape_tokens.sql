-- Tokens a metrics scraper (Prometheus) reads GET /metrics with, made and revoked by staff.
-- Kept only as the SHA-256 of the token (256 random bits, shown once when made), like paired
-- tablets'. A revoked token keeps its row for the desk's history.
CREATE TABLE scrape_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used TEXT,
    revoked_at TEXT
) STRICT;
