-- Risk–coverage without reading every item (issue 14): each item's contribution (its confidence percentile, whether
-- a person's verdict on it exists and says wrong, its weight 1 or 1 / audit rate) is summed per task, UTC day of
-- arrival, prompt version and model. Writes append deltas (a statement's new contributions minus its old ones), so
-- concurrent writers never contend on a row; a background pass folds them together. Reads add the rollup's whole days
-- to the window's partial first day read live.
CREATE TABLE risk_rollup (
    task            text NOT NULL,
    day             date NOT NULL,
    prompt_version  text,
    model           text,
    bucket          smallint NOT NULL CHECK (bucket BETWEEN 0 AND 99),
    items           bigint NOT NULL,
    verdicts        bigint NOT NULL,
    weight          double precision NOT NULL,
    wrong_weight    double precision NOT NULL,
    weight_squares  double precision NOT NULL
);
CREATE INDEX risk_rollup_day ON risk_rollup (task, day);

-- One item's contribution, as risk–coverage weighs it (PostgresInsightsRepository+Risk.swift reads the same terms live).
CREATE FUNCTION loupe_risk_terms(auto_approved_at timestamptz, audit_verdict text, decided_by text, decision_action text,
                                 audit_rate double precision, OUT wrong boolean, OUT w double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN auto_approved_at IS NOT NULL THEN audit_verdict <> 'approve'
                WHEN decided_by NOT IN ('auto', 'deadline') THEN decision_action <> 'approve' END,
           CASE WHEN auto_approved_at IS NOT NULL THEN coalesce(1.0 / nullif(audit_rate, 0), 1.0) ELSE 1.0 END
$$;

-- A statement's rows with +1 (new) and -1 (old): INSERT, UPDATE and DELETE triggers see different transition tables,
-- so the source is put together per operation (PL/pgSQL's EXECUTE sees them).
CREATE FUNCTION risk_rollup_delta() RETURNS trigger LANGUAGE plpgsql AS $$
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
        GROUP BY 1, 2, 3, 4, 5
        -- An update that changed nothing risk–coverage reads (a claim, a lease) adds nothing.
        HAVING sum(c.sign) <> 0 OR sum(c.sign * (t.wrong IS NOT NULL)::int) <> 0
            OR coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong IS NOT NULL), 0) <> 0
            OR coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong), 0) <> 0
        $q$, source);
    RETURN NULL;
END;
$$;
CREATE TRIGGER items_risk_insert AFTER INSERT ON items
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_rollup_delta();
CREATE TRIGGER items_risk_update AFTER UPDATE ON items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_rollup_delta();
CREATE TRIGGER items_risk_delete AFTER DELETE ON items
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_rollup_delta();

-- The items already there.
INSERT INTO risk_rollup (task, day, prompt_version, model, bucket, items, verdicts, weight, wrong_weight, weight_squares)
SELECT i.task, (i.created_at AT TIME ZONE 'UTC')::date, i.prompt_version, i.model, least(99, floor(i.confidence * 100))::smallint,
       count(*), count(t.wrong), coalesce(sum(t.w) FILTER (WHERE t.wrong IS NOT NULL), 0), coalesce(sum(t.w) FILTER (WHERE t.wrong), 0),
       coalesce(sum(t.w * t.w) FILTER (WHERE t.wrong IS NOT NULL), 0)
FROM items i, loupe_risk_terms(i.auto_approved_at, i.audit_verdict, i.decided_by, i.decision_action, i.audit_rate) t
GROUP BY 1, 2, 3, 4, 5;

-- The window's first, partial day is read from the items by arrival time within the task.
CREATE INDEX items_task_created ON items (task, created_at);
