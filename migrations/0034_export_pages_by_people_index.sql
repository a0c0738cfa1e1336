-- Export pages of people's decisions (the default) read them through their own index (0033), not through every decided
-- item of the task: on a task whose items are mostly auto-approved (the soak's: 80%), a page walked five rows for each
-- one it kept, fetching each from the heap to drop it, and beyond the page cache that was what an export paid for.
--
-- The partial index serves a statement only if its predicate is written into it (`decided_by <> 'auto'`, not
-- `p_include_auto OR …`), and a UNION ALL gated on p_include_auto was planned as a sort over the primary key (its
-- branches are not flattened under the gate). So the function holds the page statement twice, people's decisions and
-- every decision, chosen per call; one text builds both below, so they cannot drift apart. The statement is 0033's.
DO $migration$
DECLARE
    page text := $page$
    SELECT string_agg(CASE p_format
               WHEN 'jsonl' THEN
                   '{"item_id":"' || page.id::text || '","task":"' || page.task
                   || '","input":' || page.input || ',"output":' || page.output || ',"final_output":' || coalesce(page.final_output, 'null')
                   || ',"changes":' || coalesce(page.changes, 'null')
                   || ',"action":"' || page.action || '","confidence":' || page.confidence
                   || ',"prompt_version":' || coalesce(to_json(page.prompt_version)::text, 'null')
                   || ',"model":' || coalesce(to_json(page.model)::text, 'null')
                   || ',"reviewer":' || page.decider || ',"decided_at":"' || page.decided_at
                   || '","decided_by":' || page.decider || ',"reviews":' || page.reviews || E'}\n'
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
               CASE WHEN p_format <> 'chat' THEN to_json(i.decided_by)::text END AS decider,
               -- Chat lines use only the input and the final output.
               CASE WHEN p_format <> 'chat' THEN i.output::text END AS output,
               CASE WHEN p_format <> 'chat' THEN i.changes::text END AS changes,
               CASE WHEN p_format <> 'chat' THEN i.confidence::text END AS confidence,
               CASE WHEN p_format <> 'chat' THEN to_char(i.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END AS decided_at,
               -- People who reviewed the item: its consensus reviews, else one for a human decision, none for an automatic one.
               (CASE WHEN i.review_count > 0 THEN i.review_count WHEN i.decided_by IN ('auto', 'deadline') THEN 0 ELSE 1 END)::text AS reviews
        FROM items i
        WHERE i.task = ANY (ARRAY[p_task]) AND i.id > p_after AND i.id <= coalesce(p_through, 'ffffffff-ffff-ffff-ffff-ffffffffffff')
          AND i.decision_action IS NOT NULL AND i.erased_at IS NULL AND i.gold_id IS NULL
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
SET max_parallel_workers_per_gather = 0 SET jit = off AS $body$
BEGIN
    IF p_include_auto THEN
        RETURN QUERY %s;
    ELSE
        RETURN QUERY %s;
    END IF;
END
$body$
$function$, format(page, '-- every decision'), format(page, $$AND i.decided_by <> 'auto'$$));
END
$migration$;
