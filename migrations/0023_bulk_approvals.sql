-- Bulk approval with undo (issue 15, point 4). A preview freezes the ids that matched; approving applies to exactly
-- those still waiting, and only with the count the person confirmed; undo, within a minute, returns every item the
-- action approved to the queue.
CREATE TABLE bulk_approvals (
    id          uuid PRIMARY KEY,
    actor       text NOT NULL,
    task        text NOT NULL REFERENCES tasks (name),
    filter      jsonb NOT NULL,
    item_ids    uuid[] NOT NULL CHECK (cardinality(item_ids) BETWEEN 1 AND 1000),
    state       text NOT NULL CHECK (state IN ('previewed', 'applied', 'undone')),
    created_at  timestamptz NOT NULL,
    applied_at  timestamptz,
    undone_at   timestamptz
);
CREATE INDEX bulk_approvals_created ON bulk_approvals (created_at);

ALTER TABLE item_events DROP CONSTRAINT item_events_event_check;
ALTER TABLE item_events ADD CONSTRAINT item_events_event_check
    CHECK (event IN ('received', 'routed', 'claimed', 'lease_extended', 'released', 'expired', 'decided', 'escalated', 'erased',
                     'commented', 'reopened'));
