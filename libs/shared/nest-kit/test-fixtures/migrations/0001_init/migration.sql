-- A demo table for the nest-kit tests (the outbox and processed-event tables come from migrate()).
CREATE TABLE notes (
  id uuid PRIMARY KEY,
  body text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
