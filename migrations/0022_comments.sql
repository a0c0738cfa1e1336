-- Comments on items (issue 15, point 5): a note for the next reviewer or, flagged, for the lead. They are history
-- rows ('commented', details {text, flag}), so they show in the item's history in order and stay append-only.
ALTER TABLE item_events DROP CONSTRAINT item_events_event_check;
ALTER TABLE item_events ADD CONSTRAINT item_events_event_check
    CHECK (event IN ('received', 'routed', 'claimed', 'lease_extended', 'released', 'expired', 'decided', 'escalated', 'erased',
                     'commented'));

-- Erasure takes a comment's words too (they may quote the input).
CREATE OR REPLACE FUNCTION loupe_erased_details(d jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (d - 'output' - 'reason' - 'text') || '{"erased": true}'::jsonb
$$;

-- Items flagged for the lead, for `GET /v1/items?flagged=true`.
CREATE INDEX item_events_flagged ON item_events (item_id) WHERE event = 'commented' AND details @> '{"flag": true}';
