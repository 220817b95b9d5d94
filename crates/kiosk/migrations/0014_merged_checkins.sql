-- Two kiosks at one location that each checked a member in before hearing of the other's
-- (issue 25): the later of the two open check-ins is closed at its start by the kiosk that
-- made it, and marked here ('closed') so the staff desk counts the merges.
ALTER TABLE checkins ADD COLUMN merged TEXT;
