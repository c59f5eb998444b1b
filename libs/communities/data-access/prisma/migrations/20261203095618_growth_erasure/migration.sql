-- Erasure (PIPL) is the one rewrite the points journal allows: a transaction that sets
-- linli.points_erasure = 'on' (SET LOCAL, by the erasure handler only) may replace an erased member's
-- id by an unlinked pseudonym in entries and lines. Amounts never change, rows are never deleted, so
-- the journal stays balanced and complete.
CREATE OR REPLACE FUNCTION points_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('linli.points_erasure', true) = 'on' THEN
    IF TG_TABLE_NAME = 'points_lines' THEN
      IF NEW.entry_id <> OLD.entry_id OR NEW.amount <> OLD.amount THEN
        RAISE EXCEPTION 'erasure may only replace the member of a points line' USING ERRCODE = 'restrict_violation';
      END IF;
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the points journal is append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;

-- Erased people by a hash of their id (the id itself is not kept): events about them arriving after
-- the erasure (from other streams) are dropped instead of re-creating rows.
CREATE TABLE "growth_erased" (
    "user_hash" TEXT NOT NULL,
    "erased_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "growth_erased_pkey" PRIMARY KEY ("user_hash")
);
