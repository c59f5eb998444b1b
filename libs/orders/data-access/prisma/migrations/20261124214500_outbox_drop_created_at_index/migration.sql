-- The relay claims unpublished rows in seq order (outbox_events_published_at_seq_idx); this index
-- served the old created_at order and only cost every event an index entry.
DROP INDEX IF EXISTS "outbox_events_unpublished_idx";
