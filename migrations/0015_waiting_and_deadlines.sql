-- Agents wait on items: deadlines with a default action, escalation, and one event log that feeds the
-- webhook outbox, the Server-Sent Events stream and the wake-ups of blocking waits.

ALTER TABLE tasks
    ADD COLUMN deadline_seconds integer CHECK (deadline_seconds BETWEEN 1 AND 31536000),
    ADD COLUMN on_deadline text NOT NULL DEFAULT 'reject' CHECK (on_deadline IN ('reject', 'approve', 'escalate'));

ALTER TABLE items
    ADD COLUMN deadline_at timestamptz,
    ADD COLUMN on_deadline text CHECK (on_deadline IN ('reject', 'approve', 'escalate')),
    ADD COLUMN escalated_at timestamptz,
    ADD CONSTRAINT items_deadline_action CHECK ((deadline_at IS NULL) = (on_deadline IS NULL));

-- The deadline service's work: queued, undecided, not yet escalated items by deadline.
CREATE INDEX items_deadline ON items (deadline_at)
    WHERE deadline_at IS NOT NULL AND escalated_at IS NULL AND queue_state IN ('waiting', 'leased');

-- History records an escalation like any other step.
ALTER TABLE item_events DROP CONSTRAINT item_events_event_check;
ALTER TABLE item_events ADD CONSTRAINT item_events_event_check
    CHECK (event IN ('received', 'routed', 'claimed', 'lease_extended', 'released', 'expired', 'decided', 'escalated'));

ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (events <@ ARRAY['item.decided', 'item.queued', 'item.corrected', 'item.escalated'] AND cardinality(events) > 0);
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('item.decided', 'item.queued', 'item.corrected', 'item.escalated'));

-- Every event upstream systems may hear about, written in the statement that causes it.
CREATE TABLE events (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Readers go in (txid, id) order and only below the oldest running writer (pg_snapshot_xmin), so an
    -- event whose transaction commits after a later id's is never skipped by a reader already past that id.
    txid     xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event    text NOT NULL CHECK (event IN ('item.queued', 'item.decided', 'item.corrected', 'item.escalated')),
    task     text NOT NULL,
    -- No foreign key: retention and erasure may remove an item's content while its events age out on their own.
    item_id  uuid NOT NULL,
    -- "auto" for intake's own approvals, which nobody can be waiting on yet.
    actor    text NOT NULL,
    at       timestamptz NOT NULL
);
CREATE INDEX events_order ON events (txid, id);
CREATE INDEX events_at ON events (at);

-- Fans each statement's events out to webhook and callback deliveries, and wakes blocking waits on other
-- servers with the ids of items a person or a deadline decided. Intake does not notify: NOTIFY serialises
-- committing transactions, and nobody can be waiting on an item that did not exist a moment ago.
CREATE FUNCTION events_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text;
BEGIN
    INSERT INTO webhook_deliveries (id, webhook_id, event, item_id, state, next_attempt_at, created_at)
    SELECT gen_random_uuid(), w.id, n.event, n.item_id, 'pending', n.at, n.at
    FROM new_rows n JOIN webhooks w ON w.deleted_at IS NULL AND n.event = ANY (w.events);

    INSERT INTO webhook_deliveries (id, url, event, item_id, state, next_attempt_at, created_at)
    SELECT gen_random_uuid(), i.callback_url, n.event, n.item_id, 'pending', n.at, n.at
    FROM new_rows n JOIN items i ON i.id = n.item_id
    WHERE n.event = 'item.decided' AND i.callback_url IS NOT NULL;

    -- A notification carries at most 8000 bytes: 200 ids of 37 each.
    FOR ids IN
        SELECT string_agg(d.item_id::text, ',')
        FROM (SELECT item_id, (row_number() OVER () - 1) / 200 AS chunk FROM new_rows
              WHERE event = 'item.decided' AND actor <> 'auto') d
        GROUP BY d.chunk
    LOOP
        PERFORM pg_notify('loupe_decided', ids);
    END LOOP;
    RETURN NULL;
END;
$$;
CREATE TRIGGER events_fan_out AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION events_fan_out();
