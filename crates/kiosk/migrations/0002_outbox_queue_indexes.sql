-- The queue's head, its counts and the staff view read only the entries still open, however long
-- the history of done entries grows. SQLite uses a partial index only where the query repeats its
-- WHERE term, so each index's term is the one its queries use word for word (store.rs).
DROP INDEX outbox_open;
CREATE INDEX outbox_queue ON outbox (id) WHERE status IN ('pending', 'claimed');
CREATE INDEX outbox_parked ON outbox (id) WHERE status = 'parked';
-- Check-outs look for their check-in's entries.
CREATE INDEX outbox_by_target ON outbox (target);
