-- The member's record as of its last one-record read (the only answer with a PIN): the
-- background fill reads members whose record changed since, or was never read whole.
ALTER TABLE members ADD COLUMN full_read_on TEXT;
