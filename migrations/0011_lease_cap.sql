-- A reviewer holds at most this many leases of a task at once, so one person (or a stolen key) cannot
-- lock the queue away from everyone else.
ALTER TABLE tasks ADD COLUMN max_leases integer NOT NULL DEFAULT 3 CHECK (max_leases BETWEEN 1 AND 100);
