-- Per-item callback URLs: intake may name where item.decided is sent for that item alone.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

ALTER TABLE items ADD COLUMN callback_url text CHECK (callback_url ~ '^https?://');

-- Server-wide settings; the callback signing secret is made once, here.
CREATE TABLE settings (
    key    text PRIMARY KEY,
    value  text NOT NULL
);
INSERT INTO settings (key, value) VALUES ('callback_secret', 'whsec_' || encode(gen_random_bytes(24), 'hex'));

-- A callback delivery belongs to no webhook: it carries its own URL and is signed with the callback secret.
ALTER TABLE webhook_deliveries ALTER COLUMN webhook_id DROP NOT NULL;
ALTER TABLE webhook_deliveries ADD COLUMN url text;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_target CHECK (webhook_id IS NOT NULL OR url IS NOT NULL);
CREATE INDEX webhook_deliveries_by_item ON webhook_deliveries (item_id);
