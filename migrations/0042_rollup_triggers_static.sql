-- Decisions paid 1.2-2.0 ms of a 3.2 ms statement in the items rollup triggers (EXPLAIN ANALYZE of the prepared
-- decision, warm, one session, 3,000 items): both planned part of their work again on every call.
--
-- 1. loupe_field_terms (0029) is a SQL function that cannot be inlined (its SET clause), and PostgreSQL plans such a
--    function's body again in every statement that calls it: items_fields_update took 1.0-2.0 ms of an approval.
--    As PL/pgSQL its plan is kept for the session: 0.44-0.61 ms. The SET jit = off stays: without it the body's generic
--    plan was JIT-compiled on every call (30-37 ms).
CREATE OR REPLACE FUNCTION loupe_field_terms(confidence double precision, field_confidence jsonb, counted boolean, human boolean,
                                             changes jsonb, pointers text[])
RETURNS TABLE (f_pointer text, f_band smallint, f_items integer, f_reviewed integer, f_corrected integer, f_changed integer)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE ROWS 8 SET jit = off AS $$
BEGIN
    RETURN QUERY
    WITH overall AS (
        SELECT least(9, floor($1 * 10))::smallint AS b
    ), own AS (
        SELECT e.key AS k, least(9, floor((e.value #>> '{}')::float8 * 10))::smallint AS b
        FROM jsonb_each(coalesce($2, '{}'::jsonb)) e WHERE jsonb_typeof(e.value) = 'number'
    ), paths AS (
        SELECT DISTINCT regexp_replace(op ->> 'path', '/[0-9]+(?=/|$)', '/*', 'g') AS c
        FROM jsonb_array_elements(CASE WHEN $4 THEN coalesce($5, '[]'::jsonb) ELSE '[]'::jsonb END) op
    ), touched AS (
        SELECT DISTINCT q.p FROM (
            SELECT unnest($6) AS p
            UNION SELECT c FROM paths
            UNION SELECT array_to_string((string_to_array(c, '/'))[1:n], '/')
                  FROM paths, generate_series(2, cardinality(string_to_array(c, '/')) - 1) n
        ) q
        WHERE q.p <> '' AND EXISTS (SELECT 1 FROM paths WHERE c = q.p OR starts_with(q.p, c || '/') OR starts_with(c, q.p || '/'))
    )
    SELECT '#all', o.b, 0, 1, 0, 0 FROM overall o WHERE $4
    UNION ALL
    SELECT own.k, own.b, $3::int, $4::int, 0, 0 FROM own, overall o WHERE own.b <> o.b
    UNION ALL
    SELECT own.k, o.b, -($3::int), -($4::int), 0, 0 FROM own, overall o WHERE own.b <> o.b
    UNION ALL
    SELECT t.p, least(9, floor(coalesce(($2 ->> t.p)::float8, $1) * 10))::smallint, 0, 0, 1,
           (EXISTS (SELECT 1 FROM paths WHERE c = t.p))::int
    FROM touched t;
END;
$$;

-- 2. risk_rollup_delta (0027, 0028, 0041) built its INSERT as text and ran it with EXECUTE, planned on every intake and
--    every decision (0.67-0.92 ms of an approval), because INSERT, UPDATE and DELETE triggers see different transition
--    tables. Now each operation copies the rollup's columns of its rows into arrays of this type (the rows added, the
--    rows taken away), and one static INSERT, whose plan PL/pgSQL keeps, sums them: 0.23-0.28 ms once the session's
--    plan is generic.
CREATE TYPE loupe_risk_row AS (
    task text, created_at timestamptz, prompt_version text, model text, confidence double precision,
    auto_approved_at timestamptz, audit_verdict text, decided_by text, decision_action text, audit_rate double precision
);

CREATE OR REPLACE FUNCTION risk_rollup_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added loupe_risk_row[] := '{}';
    removed loupe_risk_row[] := '{}';
BEGIN
    -- Gold items' copies test reviewers and never count (0028). Each branch names only its operation's transition table.
    IF TG_OP <> 'DELETE' THEN
        added := ARRAY(SELECT ROW(task, created_at, prompt_version, model, confidence, auto_approved_at, audit_verdict,
                                  decided_by, decision_action, audit_rate)::loupe_risk_row FROM new_rows WHERE gold_id IS NULL);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        removed := ARRAY(SELECT ROW(task, created_at, prompt_version, model, confidence, auto_approved_at, audit_verdict,
                                    decided_by, decision_action, audit_rate)::loupe_risk_row FROM old_rows WHERE gold_id IS NULL);
    END IF;
    -- The same multiset before and after (a claim, a lease, a release; 0041): every delta is zero.
    IF cardinality(added) = cardinality(removed)
       AND NOT EXISTS (SELECT * FROM unnest(added) EXCEPT ALL SELECT * FROM unnest(removed)) THEN
        RETURN NULL;
    END IF;
    INSERT INTO risk_rollup (task, day, prompt_version, model, bucket, items, verdicts, weight, wrong_weight, weight_squares)
    SELECT c.task, (c.created_at AT TIME ZONE 'UTC')::date, c.prompt_version, c.model, least(99, floor(c.confidence * 100))::smallint,
           sum(c.sign), sum(c.sign * (t.wrong IS NOT NULL)::int),
           coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong IS NOT NULL), 0), coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong), 0),
           coalesce(sum(c.sign * t.w * t.w) FILTER (WHERE t.wrong IS NOT NULL), 0)
    FROM (SELECT a.*, 1 AS sign FROM unnest(added) a UNION ALL SELECT r.*, -1 FROM unnest(removed) r) c,
         loupe_risk_terms(c.auto_approved_at, c.audit_verdict, c.decided_by, c.decision_action, c.audit_rate) t
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(c.sign) <> 0 OR sum(c.sign * (t.wrong IS NOT NULL)::int) <> 0
        OR coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong IS NOT NULL), 0) <> 0
        OR coalesce(sum(c.sign * t.w) FILTER (WHERE t.wrong), 0) <> 0;
    RETURN NULL;
END;
$$;
