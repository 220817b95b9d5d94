-- Other kiosks found on the local network (DNS-SD), as the browser face last heard of them.
-- Nothing secret: what each kiosk announces to anyone on the network.
CREATE TABLE peer_kiosks (
    name TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    location_id INTEGER,
    version TEXT NOT NULL,
    fingerprint TEXT,
    seen_at TEXT NOT NULL,
    gone_at TEXT
) STRICT;
