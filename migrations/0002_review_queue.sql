-- Review queue: leases, human decisions, append-only history, people and sessions.

ALTER TABLE items
    ADD COLUMN lease_holder      text,
    ADD COLUMN lease_expires_at  timestamptz,
    ADD COLUMN claimed_at        timestamptz,
    -- Set for items approved at intake; an audit review keeps it beside the human verdict.
    ADD COLUMN auto_approved_at  timestamptz,
    ADD COLUMN audit_verdict     text CHECK (audit_verdict IN ('approve', 'correct', 'reject'));

UPDATE items SET auto_approved_at = decided_at WHERE decided_by = 'auto';

-- Claim order within one task (the unfiltered claim uses items_queue).
CREATE INDEX items_queue_task ON items (task, priority DESC, audit, id) WHERE queue_state = 'waiting';
-- The rescuer finds expired leases; a reviewer lists their own.
CREATE INDEX items_lease_expiry ON items (lease_expires_at) WHERE queue_state = 'leased';
CREATE INDEX items_lease_holder ON items (lease_holder) WHERE queue_state = 'leased';

-- Every event on an item. Append-only: the trigger below refuses UPDATE and DELETE.
CREATE TABLE item_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id      uuid NOT NULL REFERENCES items (id),
    event        text NOT NULL CHECK (event IN ('received', 'routed', 'claimed', 'lease_extended', 'released', 'expired', 'decided')),
    actor        text NOT NULL,
    at           timestamptz NOT NULL,
    -- Time the reviewer spent, for 'decided' and 'released': from their claim to this event.
    duration_ms  bigint,
    details      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX item_events_item ON item_events (item_id, id);

CREATE FUNCTION item_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'item_events is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER item_events_no_update BEFORE UPDATE OR DELETE ON item_events
    FOR EACH ROW EXECUTE FUNCTION item_events_append_only();
CREATE TRIGGER item_events_no_truncate BEFORE TRUNCATE ON item_events
    FOR EACH STATEMENT EXECUTE FUNCTION item_events_append_only();

-- Backfill history for items that arrived before this migration.
INSERT INTO item_events (item_id, event, actor, at, details)
SELECT id, 'received', 'system:migration', created_at, '{}' FROM items;

CREATE TABLE users (
    id             uuid PRIMARY KEY,
    email          text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    role           text NOT NULL CHECK (role IN ('reviewer', 'analyst', 'admin')),
    password_hash  text NOT NULL,
    created_at     timestamptz NOT NULL,
    disabled_at    timestamptz
);

CREATE TABLE sessions (
    token_hash   text PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id),
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed logins per email (known or not), to slow guessing down across instances.
CREATE TABLE login_failures (
    email        text PRIMARY KEY,
    failures     integer NOT NULL,
    last_failed  timestamptz NOT NULL
);
