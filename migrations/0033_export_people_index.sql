-- Exports of people's decisions (the default) read them through an index of their own, and pages are cheaper to plan
-- and to read (issue 17). In a 1M-row export PostgreSQL spent about 2 of its 11.5 CPU-seconds finding where pages end:
-- `loupe_export_page_ends` (0032) read every row from the heap, probed gold_servings for it and numbered it with a
-- window function, all to keep one id in 250. Each page probed gold_servings once per row too (`_bt_first` 8% of the
-- backends' samples in `perf record -g`), and on a task whose items are mostly auto-approved (the soak's: 80%) a page
-- walked five rows for each one it kept, fetching each from the heap to drop it.
--
-- * People's decisions of a task get an index of their own (ids in task order, predicates only). It costs one index
--   entry per decision a person makes (that update moves the row anyway: items have no HOT updates) and nothing at
--   intake (pending and auto-approved items are outside it).
-- * Pages of people's decisions read through it. The partial index serves a statement only if its predicate is written
--   into it (`decided_by <> 'auto'`, not `p_include_auto OR …`), and a UNION ALL gated on p_include_auto was planned as
--   a sort over the primary key (its branches are not flattened under the gate). So the page function holds its
--   statement twice, people's decisions and every decision, chosen per call; one text builds both, so they cannot
--   drift apart. Otherwise the statement is 0032's, but for the next two points.
-- * Gold copies are told by `items.gold_id` (set with their serving, never cleared), a column of the row already read,
--   not by a probe of gold_servings. The anti-join was there for the planner's sake (`gold_id IS NULL` looked rare before
--   statistics existed and sorted the task); inside these functions sorts are off and the plan is pinned (see 0032).
-- * JSONL lines name the decider twice (`reviewer` and `decided_by`); its JSON text is computed once.
-- * Page ends of people's decisions come from their index by an index-only scan, never touching the heap, and skip
--   `p_every - 1` rows per step (OFFSET in the scan's Limit, no window function): 2.0 → 0.21 s for the 4,000 ends of
--   1M rows on the profiling cluster (psql `\timing`, same rows, vacuumed). Page ends only shape the spans that pages
--   read; each page applies every filter itself. So an export with filters that need the row (action, time window,
--   automatic decisions, chat's final output) finds its ends through items_task_id and the heap, as before.

CREATE INDEX items_export_people ON items (task, id)
    WHERE decision_action IS NOT NULL AND erased_at IS NULL AND gold_id IS NULL AND decided_by <> 'auto';

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

DROP FUNCTION loupe_export_page_ends(text, text, uuid, boolean, text, timestamptz, timestamptz, bigint, bigint);

-- The ids of the `p_every`-th, `2 × p_every`-th, … row after `p_after`, at most `p_count` of them: where the next pages
-- end. Fewer than `p_count` means the rows ran out (the rest, under `p_every` rows, is one last page).
CREATE FUNCTION loupe_export_page_ends(p_format text, p_task text, p_after uuid, p_include_auto boolean, p_action text,
                                       p_since timestamptz, p_until timestamptz, p_every bigint, p_count int)
RETURNS TABLE (page_end uuid)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan SET enable_sort = off SET enable_incremental_sort = off SET enable_seqscan = off SET enable_bitmapscan = off SET enable_mergejoin = off
SET max_parallel_workers_per_gather = 0 SET jit = off AS $$
DECLARE
    cursor_id uuid := p_after;
    next_id uuid;
    by_index boolean := NOT p_include_auto AND p_action IS NULL AND p_since IS NULL AND p_until IS NULL AND p_format <> 'chat';
BEGIN
    FOR step IN 1..p_count LOOP
        IF by_index THEN
            SELECT i.id INTO next_id FROM items i
            WHERE i.task = ANY (ARRAY[p_task]) AND i.id > cursor_id
              AND i.decision_action IS NOT NULL AND i.erased_at IS NULL AND i.gold_id IS NULL AND i.decided_by <> 'auto'
            ORDER BY i.task, i.id OFFSET p_every - 1 LIMIT 1;
        ELSE
            SELECT i.id INTO next_id FROM items i
            WHERE i.task = ANY (ARRAY[p_task]) AND i.id > cursor_id
              AND i.decision_action IS NOT NULL AND i.erased_at IS NULL AND i.gold_id IS NULL
              AND (p_include_auto OR i.decided_by <> 'auto')
              AND (p_action IS NULL OR i.decision_action = p_action)
              AND (p_since IS NULL OR i.decided_at >= p_since)
              AND (p_until IS NULL OR i.decided_at < p_until)
              AND (p_format <> 'chat' OR i.final_output IS NOT NULL)
            ORDER BY i.task, i.id OFFSET p_every - 1 LIMIT 1;
        END IF;
        EXIT WHEN next_id IS NULL;
        cursor_id := next_id;
        page_end := next_id;
        RETURN NEXT;
    END LOOP;
END
$$;
