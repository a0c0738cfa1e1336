-- Migration 0038's guard of what intake recorded, as an AFTER trigger rather than BEFORE. With any BEFORE UPDATE row
-- trigger on the table, PostgreSQL locks and fetches every row an UPDATE changes (ExecBRUpdateTriggers) before it looks
-- at the trigger's columns, so every claim and decision would pay for it; an AFTER trigger with the same `UPDATE OF`
-- columns and WHEN clause refuses the same changes (the transaction still rolls back). A new file, not an edit of
-- 0038: migrations are forward-only, and a database that applied 0038 keeps its recorded checksum.
DROP TRIGGER items_intake_record_fixed ON items;
CREATE TRIGGER items_intake_record_fixed
    AFTER UPDATE OF received_by, intake_event, created_at, audit, reasons, auto_approved_at ON items FOR EACH ROW
    WHEN (OLD.intake_event IS NOT NULL
          AND (NEW.received_by, NEW.intake_event, NEW.created_at, NEW.audit, NEW.reasons, NEW.auto_approved_at)
              IS DISTINCT FROM (OLD.received_by, OLD.intake_event, OLD.created_at, OLD.audit, OLD.reasons, OLD.auto_approved_at))
    EXECUTE FUNCTION items_intake_record_fixed();
