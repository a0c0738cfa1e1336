-- Admins can cancel per-item callbacks (issue 11): a cancelled delivery is never sent again.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_state_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_state_check
    CHECK (state IN ('pending', 'delivering', 'delivered', 'failed', 'cancelled'));
ALTER TABLE webhook_deliveries ADD COLUMN cancelled_by text;
ALTER TABLE webhook_deliveries ADD COLUMN cancelled_at timestamptz;
-- Listing callbacks (webhook_id IS NULL) newest first.
CREATE INDEX webhook_deliveries_callbacks ON webhook_deliveries (created_at DESC, id) WHERE webhook_id IS NULL;
