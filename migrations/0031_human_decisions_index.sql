-- Exports of people's decisions (the default) walk only those. Most of a task's items may be auto-approved, and the
-- export's scan in id order read every one of their pages to skip them: in the soak (80% auto-approved), one page of
-- 4,096 rows removed 15,672 by the filter and read 4,317 blocks. Auto-approved items (most of intake) never enter this
-- index; a person's decision adds one entry.
CREATE INDEX items_human_decisions ON items (task, id) WHERE decision_action IS NOT NULL AND decided_by <> 'auto';
