-- The events table loses its index on `at`, which only the retention purge read: every intake item wrote an entry into
-- it for nothing else (issue 17, point 2: batch intake ≥ 0.8 × a raw 1000-row INSERT). The purge now walks the primary
-- key from the oldest id and deletes what is past the retention, since ids are handed out in the order events are
-- written.
DROP INDEX IF EXISTS events_at;
