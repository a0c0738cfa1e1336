-- Consensus and adjudication (issue 12, points 1 and 2). A share `consensus_rate` of a task's queued items (chosen
-- by a hash of the item id, like audit samples) needs `reviews_required` reviews by different people, each blind to
-- the others; agreeing reviews decide the item ('consensus'), disagreeing ones make it 'disputed' for a lead.
ALTER TABLE tasks
    ADD COLUMN reviews_required smallint NOT NULL DEFAULT 1 CHECK (reviews_required BETWEEN 1 AND 5),
    ADD COLUMN consensus_rate double precision NOT NULL DEFAULT 1 CHECK (consensus_rate BETWEEN 0 AND 1);

-- One review per person per item: the primary key is also what keeps a reviewer from claiming an item twice.
CREATE TABLE item_reviews (
    item_id   uuid NOT NULL REFERENCES items (id),
    reviewer  text NOT NULL,
    action    text NOT NULL CHECK (action IN ('approve', 'correct', 'reject')),
    output    jsonb,
    reason    text,
    at        timestamptz NOT NULL,
    PRIMARY KEY (item_id, reviewer)
);

ALTER TABLE items DROP CONSTRAINT items_status_check;
ALTER TABLE items ADD CONSTRAINT items_status_check
    CHECK (status IN ('pending', 'in_review', 'approved', 'corrected', 'rejected', 'disputed'));
-- Leads claim disputed items apart from the regular queue.
CREATE INDEX items_disputed ON items (task, priority DESC, id) WHERE status = 'disputed' AND queue_state = 'waiting';

-- The lead: a reviewer who also adjudicates.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('ingest', 'reviewer', 'lead', 'analyst', 'admin'));
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('reviewer', 'lead', 'analyst', 'admin'));

ALTER TABLE item_events DROP CONSTRAINT item_events_event_check;
ALTER TABLE item_events ADD CONSTRAINT item_events_event_check
    CHECK (event IN ('received', 'routed', 'claimed', 'lease_extended', 'released', 'expired', 'decided', 'escalated', 'erased',
                     'commented', 'reopened', 'reviewed', 'disputed'));
ALTER TABLE events DROP CONSTRAINT events_event_check;
ALTER TABLE events ADD CONSTRAINT events_event_check
    CHECK (event IN ('item.queued', 'item.decided', 'item.corrected', 'item.escalated', 'item.erased', 'item.disputed', 'task.drift'));
ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (events <@ ARRAY['item.decided', 'item.queued', 'item.corrected', 'item.escalated', 'item.erased', 'item.disputed', 'task.drift']
           AND cardinality(events) > 0);
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('item.decided', 'item.queued', 'item.corrected', 'item.escalated', 'item.erased', 'item.disputed', 'task.drift'));
