-- Signed webhooks through a transactional outbox: deliveries are written in the same statement as the
-- state change that causes them, and a dispatcher on each server sends them.

CREATE TABLE webhooks (
    id                    uuid PRIMARY KEY,
    url                   text NOT NULL CHECK (url ~ '^https?://'),
    secret                text NOT NULL,
    events                text[] NOT NULL CHECK (events <@ ARRAY['item.decided', 'item.queued', 'item.corrected'] AND cardinality(events) > 0),
    created_at            timestamptz NOT NULL,
    deleted_at            timestamptz,
    -- Circuit breaker: after repeated failures the endpoint rests until circuit_open_until, then is probed.
    consecutive_failures  integer NOT NULL DEFAULT 0,
    circuit_open_until    timestamptz
);

CREATE TABLE webhook_deliveries (
    -- Sent as Loupe-Delivery, the same on every retry, so receivers can drop duplicates.
    id               uuid PRIMARY KEY,
    webhook_id       uuid NOT NULL REFERENCES webhooks (id),
    event            text NOT NULL CHECK (event IN ('item.decided', 'item.queued', 'item.corrected')),
    item_id          uuid NOT NULL REFERENCES items (id),
    state            text NOT NULL CHECK (state IN ('pending', 'delivering', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    -- While 'delivering', the instance sending it holds it until then; a crashed sender's lease runs out.
    locked_until     timestamptz,
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state IN ('pending', 'delivering');
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, created_at DESC);

CREATE TABLE webhook_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (id),
    at           timestamptz NOT NULL,
    status       integer,
    error        text,
    duration_ms  integer NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Wake dispatchers at commit, but only when a statement really added deliveries.
CREATE FUNCTION webhook_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows) THEN
        PERFORM pg_notify('loupe_deliveries', '');
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER webhook_deliveries_wake AFTER INSERT ON webhook_deliveries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_deliveries_notify();
