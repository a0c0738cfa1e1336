-- Risk–coverage weighs each audit verdict by the inverse of the chance its item had of being audited, so the
-- estimate stays unbiased when a task's audit_rate changes over time: intake records the rate in force.
ALTER TABLE items ADD COLUMN audit_rate double precision CHECK (audit_rate BETWEEN 0 AND 1);
-- Approvals from before this migration: the task's audit rate as it is now is the best record left.
UPDATE items i SET audit_rate = t.audit_rate FROM tasks t WHERE i.task = t.name AND i.auto_approved_at IS NOT NULL;
