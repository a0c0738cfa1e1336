-- Every VACUUM of items also vacuums its indexes. By default (vacuum_index_cleanup = auto) PostgreSQL skips the index
-- pass when fewer than 2% of the table's pages hold dead rows, and on a large table that is nearly always: at 10.7
-- million items the soak's VACUUM after ten minutes of churn reported "index scan bypassed: 14654 pages from table
-- (0.67% of total) have 23781 dead item identifiers". Each claim leaves its item's entry in items_queue_task behind,
-- at the head of the queue where no insert ever reuses the space, so the next claim stepped over every entry left
-- since the last index pass: 85 leaf pages of them, 90 buffers and 1.0 ms to find the first waiting item instead of
-- 4 buffers after a VACUUM with the index pass (0.28 of a claim's 0.68 ms in the soak's EXPLAIN at 10 million).
-- The pass cost little there: VACUUM items took 4.9 s with it and 4.6 s without (indexes cached).
ALTER TABLE items SET (vacuum_index_cleanup = on);
