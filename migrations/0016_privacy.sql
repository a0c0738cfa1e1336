-- Issue 16: redaction at intake, retention and erasure of content.

-- JSON pointers into the submission (/input/…, /output/…, /metadata/…; '*' for every element) whose values are
-- replaced with "[redacted]" before the item is stored; and how long decided items keep their content.
ALTER TABLE tasks
    ADD COLUMN redact jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(redact) = 'array'),
    ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 36500);

-- Erased items keep their skeleton (ids, task, status, decision action, times, confidence, prompt version, model,
-- reasons) so statistics stay right; their content is gone and erased_at says when.
ALTER TABLE items ADD COLUMN erased_at timestamptz;
ALTER TABLE items ADD CONSTRAINT items_erased_skeleton CHECK (
    erased_at IS NULL OR (input = 'null'::jsonb AND output = 'null'::jsonb AND final_output IS NULL AND metadata IS NULL
                          AND decision_reason IS NULL AND callback_url IS NULL));
-- The retention service walks decided items of a task by decision time.
CREATE INDEX items_retention ON items (task, decided_at) WHERE erased_at IS NULL AND decided_at IS NOT NULL;

-- The tombstone event: upstream systems that keep copies hear that they must erase theirs too.
ALTER TABLE events DROP CONSTRAINT events_event_check;
ALTER TABLE events ADD CONSTRAINT events_event_check
    CHECK (event IN ('item.queued', 'item.decided', 'item.corrected', 'item.escalated', 'item.erased'));
ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (events <@ ARRAY['item.decided', 'item.queued', 'item.corrected', 'item.escalated', 'item.erased'] AND cardinality(events) > 0);
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('item.decided', 'item.queued', 'item.corrected', 'item.escalated', 'item.erased'));
ALTER TABLE item_events DROP CONSTRAINT item_events_event_check;
ALTER TABLE item_events ADD CONSTRAINT item_events_event_check
    CHECK (event IN ('received', 'routed', 'claimed', 'lease_extended', 'released', 'expired', 'decided', 'escalated', 'erased'));

-- What erasure leaves of a history row's details: everything but a person's words and corrected output.
CREATE FUNCTION loupe_erased_details(d jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (d - 'output' - 'reason') || '{"erased": true}'::jsonb
$$;

-- History stays append-only with exactly one exception: erasing content, in the shape loupe_erased_details gives.
CREATE OR REPLACE FUNCTION item_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.item_id, NEW.event, NEW.actor, NEW.at, NEW.duration_ms)
           IS NOT DISTINCT FROM (OLD.id, OLD.item_id, OLD.event, OLD.actor, OLD.at, OLD.duration_ms)
       AND NEW.details = loupe_erased_details(OLD.details) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'item_events is append-only (% refused)', TG_OP;
END;
$$;

-- Erasure finds what was copied from an item: examples made from it, deliveries not yet sent about it.
CREATE INDEX examples_source_item ON examples (source_item);
CREATE INDEX webhook_deliveries_item ON webhook_deliveries (item_id) WHERE state = 'pending';

-- Terms whose count drops to zero are removed: a word of an erased input must not stay behind as a term.
CREATE OR REPLACE FUNCTION example_terms_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM example_terms t USING (SELECT DISTINCT task, term FROM old_rows, unnest(terms) AS term) o
    WHERE t.task = o.task AND t.term = o.term AND t.df <= 0;
    RETURN NULL;
END;
$$;
-- Named to fire after example_terms_delete / example_terms_update (triggers fire in name order).
CREATE TRIGGER example_terms_zz_forget_delete AFTER DELETE ON examples
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION example_terms_forget();
