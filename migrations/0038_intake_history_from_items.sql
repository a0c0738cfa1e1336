-- Intake no longer writes a history row: its `received` and `routed` events are read from the item itself (issue 17,
-- point 2: batch intake ≥ 0.8 × a raw 1000-row INSERT). Everything that row held is already on the item or costs two
-- columns: the time (created_at), the status it was routed to (approved exactly when auto_approved_at is set, which only
-- intake sets), audit, reasons, and now who sent it and the event id. Two `loupe serve`s on clusters of their own taking
-- 1,000-item batches from `wrk`, alternating twice: PostgreSQL CPU per 1,000 items 0.097 → 0.083–0.086 s.
--
-- `callback_actor` already named the key that submitted an item with a callback (its secret signs the callbacks); it
-- becomes `received_by` and is set for every item. `intake_event` is taken from the history's own sequence, so the
-- history's ids stay unique and ordered across every item: `routed` shows under it and `received` one below (the
-- sequence steps by 2, migration 0036). Items stored before keep their `intake` rows and have no `intake_event`.
ALTER TABLE items RENAME COLUMN callback_actor TO received_by;
ALTER TABLE items ADD COLUMN intake_event bigint;

-- What intake recorded stays as recorded, as its history row did (history is append-only, migration 0002). No statement
-- of Loupe's names these columns in an UPDATE, so claims and decisions never fire this.
CREATE FUNCTION items_intake_record_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'item %: what intake recorded is append-only history (UPDATE refused)', OLD.id;
END
$$;
CREATE TRIGGER items_intake_record_fixed
    BEFORE UPDATE OF received_by, intake_event, created_at, audit, reasons, auto_approved_at ON items FOR EACH ROW
    WHEN (OLD.intake_event IS NOT NULL
          AND (NEW.received_by, NEW.intake_event, NEW.created_at, NEW.audit, NEW.reasons, NEW.auto_approved_at)
              IS DISTINCT FROM (OLD.received_by, OLD.intake_event, OLD.created_at, OLD.audit, OLD.reasons, OLD.auto_approved_at))
    EXECUTE FUNCTION items_intake_record_fixed();
