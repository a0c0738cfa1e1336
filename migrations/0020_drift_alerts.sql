-- Drift alerts (issue 14): a task may ask to hear when the error among its auto-approvals, estimated from the
-- audits of the last window_days, rises above target_error: the window's 95% lower bound crossing the target.
ALTER TABLE tasks
    ADD COLUMN drift_target_error double precision CHECK (drift_target_error > 0 AND drift_target_error < 1),
    ADD COLUMN drift_window_days integer CHECK (drift_window_days BETWEEN 1 AND 365),
    ADD CONSTRAINT tasks_drift_alert_whole CHECK ((drift_target_error IS NULL) = (drift_window_days IS NULL));

-- The last check of each alerting task. `drifting` flips in a statement that re-checks it on the locked row, so
-- of several servers checking at once exactly one emits the event.
CREATE TABLE task_drift (
    task        text PRIMARY KEY REFERENCES tasks (name),
    drifting    boolean NOT NULL DEFAULT false,
    changed_at  timestamptz,
    checked_at  timestamptz,
    n           integer NOT NULL DEFAULT 0 CHECK (n >= 0),
    error       double precision CHECK (error BETWEEN 0 AND 1),
    low         double precision CHECK (low BETWEEN 0 AND 1),
    high        double precision CHECK (high BETWEEN 0 AND 1)
);

-- The window's audits: few rows (a sample of the auto-approvals), read by task and arrival.
CREATE INDEX items_audited ON items (task, created_at) WHERE auto_approved_at IS NOT NULL AND audit_verdict IS NOT NULL;

-- Task-level events carry what they report in `details` and no item.
ALTER TABLE events ALTER COLUMN item_id DROP NOT NULL, ADD COLUMN details jsonb;
ALTER TABLE events DROP CONSTRAINT events_event_check;
ALTER TABLE events ADD CONSTRAINT events_event_check
    CHECK (event IN ('item.queued', 'item.decided', 'item.corrected', 'item.escalated', 'item.erased', 'task.drift'));
ALTER TABLE events ADD CONSTRAINT events_subject CHECK ((item_id IS NULL) = (event LIKE 'task.%'));
ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (events <@ ARRAY['item.decided', 'item.queued', 'item.corrected', 'item.escalated', 'item.erased', 'task.drift']
           AND cardinality(events) > 0);
ALTER TABLE webhook_deliveries ALTER COLUMN item_id DROP NOT NULL, ADD COLUMN task text, ADD COLUMN details jsonb;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('item.decided', 'item.queued', 'item.corrected', 'item.escalated', 'item.erased', 'task.drift'));

CREATE OR REPLACE FUNCTION events_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text;
BEGIN
    INSERT INTO webhook_deliveries (id, webhook_id, event, item_id, task, details, state, next_attempt_at, created_at)
    SELECT gen_random_uuid(), w.id, n.event, n.item_id, CASE WHEN n.item_id IS NULL THEN n.task END, n.details, 'pending', n.at, n.at
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
