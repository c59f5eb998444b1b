-- settlements_forward_only: today's definition, applied after the migrations by migrate() (see ../../README.md).
--
-- A statement is never deleted, its figures never change, and its status only moves issued → approved → paid.
CREATE OR REPLACE FUNCTION settlements_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'settlements are never deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.leader_user_id <> OLD.leader_user_id OR NEW.month <> OLD.month OR NEW.rules_version <> OLD.rules_version
     OR NEW.score <> OLD.score OR NEW.level <> OLD.level OR NEW.issued_at <> OLD.issued_at
     OR NOT ((OLD.status = NEW.status) OR (OLD.status = 'issued' AND NEW.status = 'approved') OR (OLD.status = 'approved' AND NEW.status = 'paid')) THEN
    RAISE EXCEPTION 'an issued statement only moves issued → approved → paid' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
