-- A JSONL line's scalar end (action, confidence, prompt version, model, decider, time, reviews) is written once, when a
-- person's decision is copied into people_decisions (0034), not on every export (issue 17, point 4: export ≥ 0.5 × psql
-- `\copy` of the same rows, measured at 0.4997 ×). In a 1M-row export on a 2-core machine PostgreSQL spent 7.4 of its
-- CPU-seconds on pages, and formatting those fields was about 0.9 µs of each row's 7.4 µs (psql `\timing` of each
-- expression summed over the million rows, less a bare scan: `to_char` of the time 0.40 s, three `to_json` 0.48 s); the
-- rest is jsonb to text, which `\copy` pays as well. The tail costs about 190 bytes per person's decision.
--
-- The expressions live in small SQL functions without SET clauses, so the planner inlines them into the page statement
-- of every decision (read from items) as before; people's decisions read the stored tail. A float's text depends on
-- extra_float_digits, so the functions that call these (the trigger and the page functions) fix it at PostgreSQL's
-- default; before this the page took whatever the session had.

-- The API's form of a time, `2026-11-23T05:28:19.408Z`.
CREATE FUNCTION loupe_export_time(at timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- People who reviewed an item: its consensus reviews, else one for a human decision, none for an automatic one.
CREATE FUNCTION loupe_export_reviews(review_count smallint, decided_by text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN review_count > 0 THEN review_count WHEN decided_by IN ('auto', 'deadline') THEN 0 ELSE 1 END
$$;

-- A JSONL line after `changes`: `,"action":…,"reviews":n}` and its line break. Actions need no JSON escaping. A missing
-- decision time is `null` (it used to make the whole line null, which string_agg dropped).
CREATE FUNCTION loupe_jsonl_tail(action text, confidence double precision, prompt_version text, model text, decided_by text,
                                 decided_at timestamptz, review_count smallint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ',"action":"' || action || '","confidence":' || confidence::text
        || ',"prompt_version":' || coalesce(to_json(prompt_version)::text, 'null')
        || ',"model":' || coalesce(to_json(model)::text, 'null')
        || ',"reviewer":' || to_json(decided_by)::text
        || ',"decided_at":' || coalesce('"' || loupe_export_time(decided_at) || '"', 'null')
        || ',"decided_by":' || to_json(decided_by)::text
        || ',"reviews":' || loupe_export_reviews(review_count, decided_by)::text || E'}\n'
$$;

ALTER TABLE people_decisions ADD COLUMN jsonl_tail text;
SET LOCAL extra_float_digits = 1;
UPDATE people_decisions SET jsonl_tail = loupe_jsonl_tail(decision_action, confidence, prompt_version, model, decided_by,
                                                          decided_at, review_count);
ALTER TABLE people_decisions ALTER COLUMN jsonl_tail SET NOT NULL;

-- 0034's copy, with the tail.
CREATE OR REPLACE FUNCTION people_decisions_sync() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT SET extra_float_digits = 1 AS $$
BEGIN
    IF NEW.decision_action IS NOT NULL AND NEW.decided_by <> 'auto' AND NEW.erased_at IS NULL AND NEW.gold_id IS NULL THEN
        INSERT INTO people_decisions (task, id, input, output, final_output, changes, decision_action, confidence,
                                      prompt_version, model, decided_by, decided_at, review_count, jsonl_tail)
        VALUES (NEW.task, NEW.id, NEW.input, NEW.output, NEW.final_output, NEW.changes, NEW.decision_action, NEW.confidence,
                NEW.prompt_version, NEW.model, NEW.decided_by, NEW.decided_at, NEW.review_count,
                loupe_jsonl_tail(NEW.decision_action, NEW.confidence, NEW.prompt_version, NEW.model, NEW.decided_by,
                                 NEW.decided_at, NEW.review_count))
        ON CONFLICT (task, id) DO UPDATE SET
            input = EXCLUDED.input, output = EXCLUDED.output, final_output = EXCLUDED.final_output, changes = EXCLUDED.changes,
            decision_action = EXCLUDED.decision_action, confidence = EXCLUDED.confidence,
            prompt_version = EXCLUDED.prompt_version, model = EXCLUDED.model, decided_by = EXCLUDED.decided_by,
            decided_at = EXCLUDED.decided_at, review_count = EXCLUDED.review_count, jsonl_tail = EXCLUDED.jsonl_tail;
    ELSE
        DELETE FROM people_decisions WHERE task = OLD.task AND id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;

-- 0034's page statement: JSONL ends with the tail (stored for people's decisions, computed for every decision), and the
-- scalar columns only CSV still formats are computed for CSV alone.
DO $migration$
DECLARE
    page text := $page$
    SELECT string_agg(CASE p_format
               WHEN 'jsonl' THEN
                   '{"item_id":"' || page.id::text || '","task":"' || page.task
                   || '","input":' || page.input || ',"output":' || page.output || ',"final_output":' || coalesce(page.final_output, 'null')
                   || ',"changes":' || coalesce(page.changes, 'null') || page.tail
               WHEN 'csv' THEN
                   page.id::text || ',' || loupe_csv_cell(page.task) || ',' || loupe_csv_cell(page.input)
                   || ',' || loupe_csv_cell(page.output) || ',' || loupe_csv_cell(coalesce(page.final_output, ''))
                   || ',' || loupe_csv_cell(coalesce(page.changes, '')) || ',' || page.action || ',' || page.confidence
                   || ',' || loupe_csv_cell(coalesce(page.prompt_version, '')) || ',' || loupe_csv_cell(coalesce(page.model, ''))
                   || ',' || loupe_csv_cell(page.decided_by) || ',' || page.decided_at || ',' || loupe_csv_cell(page.decided_by)
                   || ',' || page.reviews || E'\r\n'
               ELSE
                   -- A JSON string is already a valid content value; anything else is sent as its JSON text.
                   p_chat_prefix || CASE WHEN left(page.input, 1) = '"' THEN page.input ELSE to_json(page.input)::text END
                   || '},{"role":"assistant","content":'
                   || CASE WHEN left(page.final_output, 1) = '"' THEN page.final_output ELSE to_json(page.final_output)::text END
                   || E'}]}\n'
           END, ''),
           count(*)::int8, (array_agg(page.id))[count(*)]
    FROM (
        SELECT i.id, i.task, i.input::text AS input, i.final_output::text AS final_output, i.decision_action AS action,
               i.prompt_version, i.model, i.decided_by,
               -- Chat lines use only the input and the final output.
               CASE WHEN p_format <> 'chat' THEN i.output::text END AS output,
               CASE WHEN p_format <> 'chat' THEN i.changes::text END AS changes,
               CASE WHEN p_format = 'jsonl' THEN %s END AS tail,
               CASE WHEN p_format = 'csv' THEN i.confidence::text END AS confidence,
               CASE WHEN p_format = 'csv' THEN loupe_export_time(i.decided_at) END AS decided_at,
               CASE WHEN p_format = 'csv' THEN loupe_export_reviews(i.review_count, i.decided_by)::text END AS reviews
        FROM %s i
        WHERE i.task = ANY (ARRAY[p_task]) AND i.id > p_after AND i.id <= coalesce(p_through, 'ffffffff-ffff-ffff-ffff-ffffffffffff')
          %s
          AND (p_action IS NULL OR i.decision_action = p_action)
          AND (p_since IS NULL OR i.decided_at >= p_since)
          AND (p_until IS NULL OR i.decided_at < p_until)
          AND (p_format <> 'chat' OR i.final_output IS NOT NULL)
        ORDER BY i.task, i.id
        LIMIT p_limit
    ) AS page
$page$;
BEGIN
    EXECUTE format($function$
CREATE OR REPLACE FUNCTION loupe_export_page(p_format text, p_task text, p_after uuid, p_include_auto boolean, p_action text,
                                             p_since timestamptz, p_until timestamptz, p_through uuid, p_limit bigint, p_chat_prefix text)
RETURNS TABLE (page_lines text, page_rows bigint, page_last uuid)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan SET enable_sort = off SET enable_incremental_sort = off SET enable_seqscan = off SET enable_bitmapscan = off SET enable_mergejoin = off
SET max_parallel_workers_per_gather = 0 SET jit = off SET extra_float_digits = 1 AS $body$
BEGIN
    IF p_include_auto THEN
        RETURN QUERY %s;
    ELSE
        RETURN QUERY %s;
    END IF;
END
$body$
$function$, format(page, 'loupe_jsonl_tail(i.decision_action, i.confidence, i.prompt_version, i.model, i.decided_by, i.decided_at, i.review_count)',
                   'items', 'AND i.decision_action IS NOT NULL AND i.erased_at IS NULL AND i.gold_id IS NULL'),
            format(page, 'i.jsonl_tail', 'people_decisions', '-- every row is a person''s exportable decision'));
END
$migration$;
