-- settlement_lines_append_only: today's definition, applied after the migrations by migrate() (see ../../README.md).
--
-- An issued statement is immutable: its lines are never changed or removed (corrections are new
-- adjustment lines), lines are added only before approval, the statement's figures never change, and
-- its status only moves issued → approved → paid.
CREATE OR REPLACE FUNCTION settlement_lines_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'settlement lines are immutable' USING ERRCODE = 'check_violation';
  END IF;
  IF (SELECT status FROM settlements WHERE id = NEW.settlement_id) <> 'issued' THEN
    RAISE EXCEPTION 'lines are added only before approval' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
