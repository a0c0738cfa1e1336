-- People's decisions get a table of their own, kept by triggers on items, and exports of them read it (issue 17, point 3).
-- The soak exported the first 200,000 people's decisions at 67,939 rows/s beside 250,000 items and at 27,998 rows/s
-- (0.41 ×) beside 10 million: in `items` a person's decision is about one row per heap page among automatic ones, and at
-- 20 GB of items nothing caches those pages, so each exported row cost a cold 8 KB read. Here they are written together,
-- in decision order (≈ id order), so a page of an export reads a few consecutive heap pages.
--
-- The copy holds exactly the rows and columns an export of people's decisions reads (`decided_by <> 'auto'`, decided,
-- not erased, not a gold copy). It is a copy, so it is kept by the database and not by each statement that changes a
-- decision (a decision, a changed decision, consensus reviews, deadlines, erasure, retention): a row trigger after INSERT
-- (intake inserts pending and auto-approved items, which fail its WHEN; only bulk loads, the benches' and the tests'
-- seeds, insert people's decisions) and after UPDATE OF the columns it holds (claims and leases name none of them).
-- Erasure and retention set erased_at, which removes the row: no copy of erased content stays behind. Migrating a large
-- database copies its people's decisions once (about 1.6 KB each with indexes in the soak's mix).
--
-- Its primary key is the export's order, (task, id): page ends come from it by an index-only scan, as they came from
-- items_export_people (0033), which is dropped (one index entry less per decision on items).

CREATE TABLE people_decisions (
    task             text NOT NULL,
    id               uuid NOT NULL,
    input            jsonb NOT NULL,
    output           jsonb NOT NULL,
    final_output     jsonb,
    changes          jsonb,
    decision_action  text NOT NULL,
    confidence       double precision NOT NULL,
    prompt_version   text,
    model            text,
    decided_by       text NOT NULL,
    decided_at       timestamptz,
    review_count     smallint NOT NULL,
    PRIMARY KEY (task, id)
);

-- Keeps one item's row in people_decisions: written whole when the item is a person's exportable decision, else gone.
CREATE FUNCTION people_decisions_sync() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.decision_action IS NOT NULL AND NEW.decided_by <> 'auto' AND NEW.erased_at IS NULL AND NEW.gold_id IS NULL THEN
        INSERT INTO people_decisions (task, id, input, output, final_output, changes, decision_action, confidence,
                                      prompt_version, model, decided_by, decided_at, review_count)
        VALUES (NEW.task, NEW.id, NEW.input, NEW.output, NEW.final_output, NEW.changes, NEW.decision_action, NEW.confidence,
                NEW.prompt_version, NEW.model, NEW.decided_by, NEW.decided_at, NEW.review_count)
        ON CONFLICT (task, id) DO UPDATE SET
            input = EXCLUDED.input, output = EXCLUDED.output, final_output = EXCLUDED.final_output, changes = EXCLUDED.changes,
            decision_action = EXCLUDED.decision_action, confidence = EXCLUDED.confidence,
            prompt_version = EXCLUDED.prompt_version, model = EXCLUDED.model, decided_by = EXCLUDED.decided_by,
            decided_at = EXCLUDED.decided_at, review_count = EXCLUDED.review_count;
    ELSE
        DELETE FROM people_decisions WHERE task = OLD.task AND id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER items_people_decisions_insert AFTER INSERT ON items FOR EACH ROW
    WHEN (NEW.decided_by <> 'auto' AND NEW.decision_action IS NOT NULL AND NEW.erased_at IS NULL AND NEW.gold_id IS NULL)
    EXECUTE FUNCTION people_decisions_sync();
-- `changes` is generated from output and final_output, which are listed.
CREATE TRIGGER items_people_decisions_update
    AFTER UPDATE OF input, output, final_output, decision_action, confidence, prompt_version, model, decided_by, decided_at,
                    review_count, erased_at, gold_id ON items FOR EACH ROW
    WHEN ((NEW.decided_by <> 'auto' AND NEW.decision_action IS NOT NULL) OR (OLD.decided_by <> 'auto' AND OLD.decision_action IS NOT NULL))
    EXECUTE FUNCTION people_decisions_sync();

-- What is already decided, in export order.
INSERT INTO people_decisions (task, id, input, output, final_output, changes, decision_action, confidence, prompt_version,
                              model, decided_by, decided_at, review_count)
SELECT task, id, input, output, final_output, changes, decision_action, confidence, prompt_version, model, decided_by,
       decided_at, review_count
FROM items
WHERE decision_action IS NOT NULL AND decided_by <> 'auto' AND erased_at IS NULL AND gold_id IS NULL
ORDER BY task, id;

DROP INDEX items_export_people;

-- 0033's page statement, with its row source and predicates as parameters: every decision from items (as before),
-- people's decisions from their table, whose rows need no predicate.
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
SET max_parallel_workers_per_gather = 0 SET jit = off AS $body$
BEGIN
    IF p_include_auto THEN
        RETURN QUERY %s;
    ELSE
        RETURN QUERY %s;
    END IF;
END
$body$
$function$, format(page, 'items', 'AND i.decision_action IS NOT NULL AND i.erased_at IS NULL AND i.gold_id IS NULL'),
            format(page, 'people_decisions', '-- every row is a person''s exportable decision'));
END
$migration$;

-- 0033's page ends, reading people's decisions from their table: ids alone (an index-only scan of its key) when no
-- filter needs the row, else the rows.
CREATE OR REPLACE FUNCTION loupe_export_page_ends(p_format text, p_task text, p_after uuid, p_include_auto boolean, p_action text,
                                                  p_since timestamptz, p_until timestamptz, p_every bigint, p_count int)
RETURNS TABLE (page_end uuid)
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT
SET plan_cache_mode = force_generic_plan SET enable_sort = off SET enable_incremental_sort = off SET enable_seqscan = off SET enable_bitmapscan = off SET enable_mergejoin = off
SET max_parallel_workers_per_gather = 0 SET jit = off AS $$
DECLARE
    cursor_id uuid := p_after;
    next_id uuid;
    unfiltered boolean := p_action IS NULL AND p_since IS NULL AND p_until IS NULL AND p_format <> 'chat';
BEGIN
    FOR step IN 1..p_count LOOP
        IF p_include_auto THEN
            SELECT i.id INTO next_id FROM items i
            WHERE i.task = ANY (ARRAY[p_task]) AND i.id > cursor_id
              AND i.decision_action IS NOT NULL AND i.erased_at IS NULL AND i.gold_id IS NULL
              AND (p_action IS NULL OR i.decision_action = p_action)
              AND (p_since IS NULL OR i.decided_at >= p_since)
              AND (p_until IS NULL OR i.decided_at < p_until)
              AND (p_format <> 'chat' OR i.final_output IS NOT NULL)
            ORDER BY i.task, i.id OFFSET p_every - 1 LIMIT 1;
        ELSIF unfiltered THEN
            SELECT p.id INTO next_id FROM people_decisions p
            WHERE p.task = ANY (ARRAY[p_task]) AND p.id > cursor_id
            ORDER BY p.task, p.id OFFSET p_every - 1 LIMIT 1;
        ELSE
            SELECT p.id INTO next_id FROM people_decisions p
            WHERE p.task = ANY (ARRAY[p_task]) AND p.id > cursor_id
              AND (p_action IS NULL OR p.decision_action = p_action)
              AND (p_since IS NULL OR p.decided_at >= p_since)
              AND (p_until IS NULL OR p.decided_at < p_until)
              AND (p_format <> 'chat' OR p.final_output IS NOT NULL)
            ORDER BY p.task, p.id OFFSET p_every - 1 LIMIT 1;
        END IF;
        EXIT WHEN next_id IS NULL;
        cursor_id := next_id;
        page_end := next_id;
        RETURN NEXT;
    END LOOP;
END
$$;
