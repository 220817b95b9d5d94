-- "Not you? Undo": a check-in the member took back. Its row stays (the outbox may still have to
-- withdraw it from Nexudus, and a lost answer is matched to it), closed at its start so no
-- query of who is in sees it, and marked here so no list of visits shows it.
ALTER TABLE checkins ADD COLUMN withdrawn_at TEXT;
