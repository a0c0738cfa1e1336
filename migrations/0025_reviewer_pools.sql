-- Reviewer pools (issue 12, point 4): a task's `reviewers` (emails, "group:NAME", "key:ID") limits who may claim its
-- items; empty means every reviewer and lead.
ALTER TABLE tasks ADD COLUMN reviewers text[] NOT NULL DEFAULT '{}' CHECK (cardinality(reviewers) <= 500);
