-- Visitors' badges: one row per visit that got (or was to get) a badge, with how its print
-- went. Nothing personal beyond the visit it names (the visitor's name is the visitors
-- table's, and goes with it).
CREATE TABLE badge_prints (
    visit TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    error TEXT,
    at TEXT NOT NULL
) STRICT;
