-- The relay claims unpublished rows in seq order. Indexed on (published_at, seq), every row kept an
-- entry under "published_at IS NULL" for its unpublished version after it was published, and the
-- planner read them all with a bitmap scan, which never marks dead entries: each claim visited every
-- row published since the last vacuum (7.7 ms a claim after 16,000 events, growing). A partial index
-- holds only unpublished versions, in claim order; the ordinary index scan marks the entries of
-- published rows dead as it passes them, so a claim costs about its batch.
CREATE INDEX "outbox_events_unpublished_seq_idx" ON "outbox_events" ("seq") WHERE "published_at" IS NULL;
DROP INDEX IF EXISTS "outbox_events_published_at_seq_idx";
