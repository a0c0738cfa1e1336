-- Ingest isolation. A key may be limited to some tasks (NULL = every task), and each key signs the
-- callbacks of the items it submitted with its own secret, so one upstream system cannot forge another's.
ALTER TABLE api_keys ADD COLUMN tasks text[] CHECK (tasks IS NULL OR cardinality(tasks) BETWEEN 1 AND 100);
ALTER TABLE api_keys ADD COLUMN callback_secret text;
-- Existing keys keep verifying with the server-wide secret they already know, until they rotate it.
UPDATE api_keys SET callback_secret = (SELECT value FROM settings WHERE key = 'callback_secret');
ALTER TABLE api_keys ALTER COLUMN callback_secret SET NOT NULL;

-- Which key submitted an item with a callback_url: its callback secret signs that item's callbacks.
ALTER TABLE items ADD COLUMN callback_actor text;
