-- Every UPDATE of items runs the risk rollup's statement trigger (0027, 0028), and its EXECUTE plans the rollup's
-- INSERT again each time: 0.9 ms of a claim's 1.8 ms (EXPLAIN ANALYZE of the prepared claim, warm, five times: the
-- trigger's own time), for claims, lease extensions and releases, which change nothing the rollup reads. A static
-- query, whose plan PL/pgSQL keeps for the session, now returns early when the updated rows' rollup columns are the
-- same multiset before and after: then every delta is zero and the HAVING kept none anyway. Transition tables cannot
-- go with a column list (`UPDATE OF`), so the check is in the function.
CREATE OR REPLACE FUNCTION risk_rollup_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    source text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT n.*, 1 AS sign FROM new_rows n'
        WHEN 'DELETE' THEN 'SELECT o.*, -1 AS sign FROM old_rows o'
        ELSE 'SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 FROM old_rows o' END;
BEGIN
    -- Nested: an INSERT or DELETE trigger has no old_rows or new_rows to plan this against.
    IF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (
            SELECT task, created_at, prompt_version, model, confidence, auto_approved_at, audit_verdict, decided_by,
                   decision_action, audit_rate, gold_id FROM new_rows
            EXCEPT ALL
            SELECT task, created_at, prompt_version, model, confidence, auto_approved_at, audit_verdict, decided_by,
                   decision_action, audit_rate, gold_id FROM old_rows) THEN
            RETURN NULL;
        END IF;
    END IF;
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
