-- Visitors' photos (issue 28), where staff switch them on (off by default): taken at sign-in,
-- printed on the badge, never shown on the public screen. `photo` is NULL where the visitor
-- chose not to have one (they are not asked again for that visit). Wiped with the visit's row
-- (the day, plus the days staff keep visitors).
CREATE TABLE visitor_photos (
    visit    TEXT PRIMARY KEY,
    photo    BLOB,
    taken_at TEXT NOT NULL
) STRICT;
