-- Export pages are read through these functions so that PostgreSQL plans their statements once per session. An export
-- runs the page statement thousands of times; as a prepared statement it was still planned on every run (its generic
-- plan, costed for an unknown LIMIT, never looked cheaper than a custom one), and planning took 12% of PostgreSQL's CPU
-- in a 1M-row export. Here plan_cache_mode is set for the function's statements only and restored on return.
--
-- A generic plan does not know the task, and its estimates for an unknown one vary with the statistics. Written
-- plainly (`task = p_task AND id > p_after … ORDER BY id`), the plan took the primary key, filtering by task: a 20k-item
-- task beside a 1M-item one walked the other's million rows for its first page (720 ms, `auto_explain`), and a span's
-- upper bound (`p_through IS NULL OR id <= p_through`) was a filter, so each page read on to the end of the table.
-- After an ANALYZE it read the task through items_task_created and sorted it (1.6 s per page); with row comparisons on
-- (task, id) the scan did not stop at the upper bound (70 ms for 250 rows). So: the task is matched as `= ANY (ARRAY[…])`
-- (an index condition that, unlike `=`, does not make the task a constant to the planner, so id order alone is not the
-- order asked for), the ids bound the scan on both sides, rows are read in (task, id) order, which only items_task_id
-- gives without a sort, and sorts (incremental too), merge joins, sequential, bitmap and parallel scans are off for
-- these statements. What is left is the index walk that every custom plan chose. JIT is off too: a disabled node's
-- cost is enormous, and compiling it took 246 ms per run.
--
-- The rows of a page: a task's decided items after `p_after` and through `p_through` (to the end when null), at most
-- `p_limit`, with the export's filters. Gold copies never leave (an anti-join, as in item lists: `gold_id IS NULL`
-- looks rare to the planner before statistics exist, and it would sort the whole task for every page). Chat exports
-- leave out rejected items (no correct answer to teach).

-- One cell of RFC 4180 CSV: quoted, with its quotes doubled, when it holds a comma, quote or line break. A cell a
-- spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, tab or CR) gets a leading `'` first (OWASP
-- CSV injection). One expression without FROM, so the planner inlines it.
CREATE FUNCTION loupe_csv_cell(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value ~ '[",\r\n]'
        THEN '"' || replace(CASE WHEN left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || value ELSE value END, '"', '""') || '"'
        ELSE CASE WHEN left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || value ELSE value END
    END
$$;

-- One row: the page's lines (JSONL, CSV or chat), their count, the last one's id. Each column is computed once in the
-- page subquery (its LIMIT keeps it apart), since a line names some several times; the subquery's ORDER BY feeds the
-- plain aggregates in id order. Task names (checked by `tasks`) and actions (`approve`, `correct`, `reject`) need no
-- JSON escaping. Timestamps take the API's form, `2026-11-23T05:28:19.408Z`.
CREATE FUNCTION loupe_export_page(p_format text, p_task text, p_after uuid, p_include_auto boolean, p_action text,
                                  p_since timestamptz, p_until timestamptz, p_through uuid, p_limit bigint, p_chat_prefix text)
RETURNS TABLE (page_lines text, page_rows bigint, page_last uuid)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan SET enable_sort = off SET enable_incremental_sort = off SET enable_seqscan = off SET enable_bitmapscan = off SET enable_mergejoin = off
SET max_parallel_workers_per_gather = 0 SET jit = off AS $$
BEGIN
    RETURN QUERY
    SELECT string_agg(CASE p_format
               WHEN 'jsonl' THEN
                   '{"item_id":"' || page.id::text || '","task":"' || page.task
                   || '","input":' || page.input || ',"output":' || page.output || ',"final_output":' || coalesce(page.final_output, 'null')
                   || ',"changes":' || coalesce(page.changes, 'null')
                   || ',"action":"' || page.action || '","confidence":' || page.confidence
                   || ',"prompt_version":' || coalesce(to_json(page.prompt_version)::text, 'null')
                   || ',"model":' || coalesce(to_json(page.model)::text, 'null')
                   || ',"reviewer":' || to_json(page.decided_by)::text || ',"decided_at":"' || page.decided_at
                   || '","decided_by":' || to_json(page.decided_by)::text || ',"reviews":' || page.reviews || E'}\n'
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
               CASE WHEN p_format <> 'chat' THEN i.confidence::text END AS confidence,
               CASE WHEN p_format <> 'chat' THEN to_char(i.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END AS decided_at,
               -- People who reviewed the item: its consensus reviews, else one for a human decision, none for an automatic one.
               (CASE WHEN i.review_count > 0 THEN i.review_count WHEN i.decided_by IN ('auto', 'deadline') THEN 0 ELSE 1 END)::text AS reviews
        FROM items i
        WHERE i.task = ANY (ARRAY[p_task]) AND i.id > p_after AND i.id <= coalesce(p_through, 'ffffffff-ffff-ffff-ffff-ffffffffffff')
          AND i.decision_action IS NOT NULL AND i.erased_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM gold_servings s WHERE s.item_id = i.id)
          AND (p_include_auto OR i.decided_by <> 'auto')
          AND (p_action IS NULL OR i.decision_action = p_action)
          AND (p_since IS NULL OR i.decided_at >= p_since)
          AND (p_until IS NULL OR i.decided_at < p_until)
          AND (p_format <> 'chat' OR i.final_output IS NOT NULL)
        ORDER BY i.task, i.id
        LIMIT p_limit
    ) AS page;
END
$$;

-- The ids of every `p_every`-th row after `p_after`, within the first `p_within`: where the next pages end.
CREATE FUNCTION loupe_export_page_ends(p_format text, p_task text, p_after uuid, p_include_auto boolean, p_action text,
                                       p_since timestamptz, p_until timestamptz, p_every bigint, p_within bigint)
RETURNS TABLE (page_end uuid)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan SET enable_sort = off SET enable_incremental_sort = off SET enable_seqscan = off SET enable_bitmapscan = off SET enable_mergejoin = off
SET max_parallel_workers_per_gather = 0 SET jit = off AS $$
BEGIN
    RETURN QUERY
    SELECT ahead.id FROM (
        SELECT i.task, i.id, row_number() OVER (ORDER BY i.task, i.id) AS n
        FROM items i
        WHERE i.task = ANY (ARRAY[p_task]) AND i.id > p_after
          AND i.decision_action IS NOT NULL AND i.erased_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM gold_servings s WHERE s.item_id = i.id)
          AND (p_include_auto OR i.decided_by <> 'auto')
          AND (p_action IS NULL OR i.decision_action = p_action)
          AND (p_since IS NULL OR i.decided_at >= p_since)
          AND (p_until IS NULL OR i.decided_at < p_until)
          AND (p_format <> 'chat' OR i.final_output IS NOT NULL)
        ORDER BY i.task, i.id
        LIMIT p_within
    ) AS ahead
    WHERE ahead.n % p_every = 0
    ORDER BY ahead.task, ahead.id;
END
$$;
