-- Claims take each open task's head through items_queue_task (task, priority DESC, audit, id) and then the first
-- of those heads, so the global queue index goes. While it existed the planner preferred it even for
-- `task = t.name` (its estimate gave the task nearly every waiting row) and walked, filtering by task, over every
-- waiting item of a task the reviewer could not take: 440 ms per claim beside 409k waiting items of a task at its
-- lease cap, 0.9 ms without it. One index entry fewer per waiting item at intake, claim and release, too.
DROP INDEX IF EXISTS items_queue;
