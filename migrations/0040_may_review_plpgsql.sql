-- `loupe_may_review` (0028) in PL/pgSQL. As a SQL function with a sub-select it cannot be inlined, and PostgreSQL plans
-- a non-inlined SQL function's body again in every statement that calls it: in each claim that was 0.45 ms and 48
-- buffer hits of the statement's 1.15 ms and 120 (EXPLAIN ANALYZE, BUFFERS of a claim in the soak). PL/pgSQL keeps its
-- plans for the session, and a task without a reviewers pool (most tasks) answers before any query runs.
-- Same arguments, result and volatility: the claim and the gold claim call it unchanged.
CREATE OR REPLACE FUNCTION loupe_may_review(reviewers text[], actor text) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    IF cardinality(reviewers) = 0 OR substr(actor, 6) = ANY (reviewers) OR actor = ANY (reviewers) THEN
        RETURN true;
    END IF;
    RETURN EXISTS (SELECT 1 FROM users u WHERE actor = 'user:' || u.email
                   AND u.groups && ARRAY(SELECT substr(x, 7) FROM unnest(reviewers) x WHERE x LIKE 'group:%'));
END
$$;
