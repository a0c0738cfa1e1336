-- History keeps one index instead of two. Every read of item_events goes by item (history, comments, erasure,
-- reviewer figures join on item_id); nothing looks a row up by its id alone. So the primary key becomes
-- (item_id, id) and the separate (item_id, id) index goes: one index entry fewer for every history row — two per item
-- at intake, one per claim, release, decision and comment. The identity column still numbers rows uniquely.
ALTER TABLE item_events DROP CONSTRAINT item_events_pkey, ADD CONSTRAINT item_events_pkey PRIMARY KEY (item_id, id);
DROP INDEX item_events_item;
