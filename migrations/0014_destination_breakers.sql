-- Per-item callbacks get the circuit breaker webhooks have, per destination host (issue 11): after repeated
-- failures a host rests, and its callbacks wait instead of taking sending places.
CREATE TABLE destination_breakers (
    destination           text PRIMARY KEY,
    consecutive_failures  int NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    open_until            timestamptz
);
