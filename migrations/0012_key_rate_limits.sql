-- Requests per second a key may make (NULL = the server default, which by default is unlimited).
ALTER TABLE api_keys ADD COLUMN rate_limit double precision CHECK (rate_limit IS NULL OR rate_limit > 0);
