-- Other kiosks this one is paired with (staff entered a pairing code): each reads the other's
-- health. The token this kiosk gave the other is kept as its SHA-256 only; the token the other
-- gave this one lives in the secret store, never here. A pairing is pinned to the other's
-- public key (SHA-256 of its certificate's SubjectPublicKeyInfo), which its certificate
-- renewals keep.
CREATE TABLE paired_kiosks (
    name TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    key_pin TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    paired_at TEXT NOT NULL,
    health TEXT,
    health_at TEXT,
    problem TEXT,
    problem_at TEXT
) STRICT;
