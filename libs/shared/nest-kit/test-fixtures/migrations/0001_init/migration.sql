-- Outbox and processed-event tables (OUTBOX_TABLES_SQL, verbatim) plus a demo table for the nest-kit tests.
CREATE TABLE IF NOT EXISTS outbox_events (
  id uuid PRIMARY KEY,
  subject text NOT NULL,
  payload jsonb NOT NULL,
  trace_context jsonb NOT NULL DEFAULT '{}',
  seq bigserial NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  published_at timestamptz(3),
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX IF NOT EXISTS outbox_events_unpublished_seq_idx ON outbox_events (seq) WHERE published_at IS NULL;
CREATE TABLE IF NOT EXISTS processed_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

CREATE TABLE notes (
  id uuid PRIMARY KEY,
  body text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
