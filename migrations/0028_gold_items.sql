-- Gold items (issue 12, point 3): items whose right output is known, served to reviewers at the task's `gold_rate`
-- among real items and scored per field. A gold item is a template; each reviewer it is served to gets an item row of
-- their own (items.gold_id), so every item route (lease, release, decision, comments, history) works on it exactly as
-- on a real item, and nothing in the response tells them apart. Those rows are left out of everything that describes
-- the model or upstream work: lists, exports, examples, events and webhooks, analytics, queue counts.
ALTER TABLE tasks ADD COLUMN gold_rate double precision NOT NULL DEFAULT 0 CHECK (gold_rate BETWEEN 0 AND 1);

CREATE TABLE gold_items (
    id                uuid PRIMARY KEY,
    task              text NOT NULL REFERENCES tasks (name),
    external_id       text,
    input             jsonb NOT NULL,
    -- The known right output, and what reviewers are shown (a model output with the mistakes to catch).
    answer            jsonb NOT NULL,
    shown_output      jsonb NOT NULL,
    confidence        double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    field_confidence  jsonb,
    model             text,
    prompt_version    text,
    metadata          jsonb,
    reasons           jsonb NOT NULL,
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL,
    retired_at        timestamptz,
    UNIQUE (task, external_id)
);

ALTER TABLE items ADD COLUMN gold_id uuid REFERENCES gold_items (id);

-- Who was served which gold item, and as which item row: a reviewer answers each gold item once; one they let go of
-- (released, or its lease expired) comes back to them as the same row.
CREATE TABLE gold_servings (
    gold_id   uuid NOT NULL REFERENCES gold_items (id),
    reviewer  text NOT NULL,
    item_id   uuid NOT NULL UNIQUE REFERENCES items (id),
    PRIMARY KEY (gold_id, reviewer)
);

-- A gold item shows its external id to each reviewer it is served to, so external ids are unique among real items only.
-- The predicate names external_id too: a bare `gold_id IS NULL` made this index the planner's pick, before statistics
-- existed, for every query on a task's real items (a 1M-row scan for a read of one day).
CREATE UNIQUE INDEX items_task_external_id_real ON items (task, external_id) WHERE external_id IS NOT NULL AND gold_id IS NULL;
ALTER TABLE items DROP CONSTRAINT items_task_external_id_key;

-- Whether `actor` may claim items of a task with this `reviewers` list (issue 12, point 4): directly (email, key:ID)
-- or through one of their groups. Shared by the regular and the gold claim.
CREATE FUNCTION loupe_may_review(reviewers text[], actor text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT cardinality(reviewers) = 0 OR substr(actor, 6) = ANY (reviewers) OR actor = ANY (reviewers)
        OR EXISTS (SELECT 1 FROM users u WHERE actor = 'user:' || u.email
                   AND u.groups && ARRAY(SELECT substr(x, 7) FROM unnest(reviewers) x WHERE x LIKE 'group:%'))
$$;

-- Risk–coverage describes the model: gold rows add nothing to the rollup (as before otherwise, see 0027).
CREATE OR REPLACE FUNCTION risk_rollup_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    source text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT n.*, 1 AS sign FROM new_rows n'
        WHEN 'DELETE' THEN 'SELECT o.*, -1 AS sign FROM old_rows o'
        ELSE 'SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 FROM old_rows o' END;
BEGIN
    EXECUTE format($q$
        INSERT INTO risk_rollup (task, day, prompt_version, model, bucket, items, verdicts, weight, wrong_weight, weight_squares)
        SELECT c.task, (c.created_at AT TIME ZONE 'UTC')::date, c.prompt_version, c.model, least(99, floor(c.confidence * 100))::smallint,
               sum(c.sign), sum(c.sign * (t.wrong IS NOT NULL)::int),
               coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong IS NOT NULL), 0), coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong), 0),
               coalesce(sum(c.sign * t.w * t.w) FILTER (WHERE t.wrong IS NOT NULL), 0)
        FROM (%s) c, loupe_risk_terms(c.auto_approved_at, c.audit_verdict, c.decided_by, c.decision_action, c.audit_rate) t
        WHERE c.gold_id IS NULL
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(c.sign) <> 0 OR sum(c.sign * (t.wrong IS NOT NULL)::int) <> 0
            OR coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong IS NOT NULL), 0) <> 0
            OR coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong), 0) <> 0
        $q$, source);
    RETURN NULL;
END;
$$;
