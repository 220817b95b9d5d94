-- An expected visitor whose host must still approve the visit (decided in Nexudus: the member
-- portal, NexIO) who asked to sign in at the screen: when they asked, so the kiosk follows the
-- host's answer while they wait, as it does for a walk-in (issue 24).
ALTER TABLE visitors ADD COLUMN asked_at TEXT;
