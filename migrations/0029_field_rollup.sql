-- Per-field analytics without reading every item (issue 14, point 2). `GET /v1/tasks/{name}/fields` counts, per
-- field pointer and confidence band (the field's own confidence if the item gave one, else the item's): items, human
-- reviews, and reviews whose changes touch the field. Those counts are summed per task, UTC day of arrival, prompt
-- version and model: the items per band of the item's confidence come from risk_rollup (0027, the same items); this
-- table holds the rest as deltas, written by statement-level triggers, folded by the RollupCompactor, and read with
-- the window's partial first day live, as risk_rollup is.
--
-- Which fields a correction counts against depends on the schema's leaf fields, kept in tasks.field_pointers. The
-- rollup is valid for the pointers it was built with (field_rollup_pointers); when a schema change makes them differ,
-- reads go live and the compactor rebuilds that task's rows.
ALTER TABLE tasks ADD COLUMN field_pointers text[], ADD COLUMN field_rollup_pointers text[];

CREATE TABLE field_rollup (
    task            text NOT NULL,
    day             date NOT NULL,
    prompt_version  text,
    model           text,
    -- '#all' holds human reviews per band of the item's confidence; a pointer holds what differs for that field.
    pointer         text NOT NULL,
    band            smallint NOT NULL CHECK (band BETWEEN 0 AND 9),
    items           bigint NOT NULL,
    reviewed        bigint NOT NULL,
    corrected       bigint NOT NULL,
    -- Reviews that changed exactly this pointer: a changed path outside the schema is listed as a field of its own.
    changed         bigint NOT NULL
);
CREATE INDEX field_rollup_day ON field_rollup (task, day);

-- A person approved or corrected it (rejections and automatic decisions say nothing about fields).
CREATE FUNCTION loupe_field_human(decision_action text, decided_by text, changes jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(decision_action IN ('approve', 'correct') AND decided_by NOT IN ('auto', 'deadline') AND changes IS NOT NULL, false)
$$;

-- One item's rows beyond its band in risk_rollup: with `counted`, the item itself moved from the item's band to each
-- field's own (field_confidence); with `human`, its review in the item's band, moved likewise, and a correction for
-- every field a change touches (at it, above it, or below it among the schema's leaves and the changed paths'
-- ancestors), array indices written `*`.
CREATE FUNCTION loupe_field_terms(confidence double precision, field_confidence jsonb, counted boolean, human boolean,
                                  changes jsonb, pointers text[])
RETURNS TABLE (f_pointer text, f_band smallint, f_items integer, f_reviewed integer, f_corrected integer, f_changed integer)
-- Not inlined (a SET clause prevents it): inlined, its planner estimates (a hundred thousand rows per item) pushed a
-- read's cost past jit_above_cost, and compiling took 60 ms of a read that runs in under 1 ms.
LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 8 SET jit = off AS $$
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
    FROM touched t
$$;

-- Inserts count items with field confidences (and, never at intake, reviews); updates count what a decision, an undo
-- or an erasure changed (a claim or a lease changes nothing here and adds nothing); deletes take away both.
CREATE FUNCTION field_rollup_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO field_rollup (task, day, prompt_version, model, pointer, band, items, reviewed, corrected, changed)
        SELECT n.task, (n.created_at AT TIME ZONE 'UTC')::date, n.prompt_version, n.model, t.f_pointer, t.f_band,
               sum(t.f_items), sum(t.f_reviewed), sum(t.f_corrected), sum(t.f_changed)
        FROM new_rows n JOIN tasks k ON k.name = n.task,
             loupe_field_terms(n.confidence, n.field_confidence, true, loupe_field_human(n.decision_action, n.decided_by, n.changes),
                               n.changes, coalesce(k.field_pointers, '{}')) t
        WHERE n.gold_id IS NULL AND (n.field_confidence IS NOT NULL OR loupe_field_human(n.decision_action, n.decided_by, n.changes))
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(t.f_items) <> 0 OR sum(t.f_reviewed) <> 0 OR sum(t.f_corrected) <> 0 OR sum(t.f_changed) <> 0;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO field_rollup (task, day, prompt_version, model, pointer, band, items, reviewed, corrected, changed)
        SELECT m.task, (m.created_at AT TIME ZONE 'UTC')::date, m.prompt_version, m.model, t.f_pointer, t.f_band,
               sum(m.sign * t.f_items), sum(m.sign * t.f_reviewed), sum(m.sign * t.f_corrected), sum(m.sign * t.f_changed)
        FROM (SELECT n.*, 1 AS sign FROM new_rows n JOIN old_rows o ON o.id = n.id
              WHERE (n.changes, n.decision_action, n.decided_by) IS DISTINCT FROM (o.changes, o.decision_action, o.decided_by)
              UNION ALL
              SELECT o.*, -1 FROM old_rows o JOIN new_rows n ON n.id = o.id
              WHERE (n.changes, n.decision_action, n.decided_by) IS DISTINCT FROM (o.changes, o.decision_action, o.decided_by)) m
             JOIN tasks k ON k.name = m.task,
             loupe_field_terms(m.confidence, m.field_confidence, false, true, m.changes, coalesce(k.field_pointers, '{}')) t
        WHERE m.gold_id IS NULL AND loupe_field_human(m.decision_action, m.decided_by, m.changes)
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(m.sign * t.f_items) <> 0 OR sum(m.sign * t.f_reviewed) <> 0 OR sum(m.sign * t.f_corrected) <> 0
            OR sum(m.sign * t.f_changed) <> 0;
    ELSE
        INSERT INTO field_rollup (task, day, prompt_version, model, pointer, band, items, reviewed, corrected, changed)
        SELECT o.task, (o.created_at AT TIME ZONE 'UTC')::date, o.prompt_version, o.model, t.f_pointer, t.f_band,
               -sum(t.f_items), -sum(t.f_reviewed), -sum(t.f_corrected), -sum(t.f_changed)
        FROM old_rows o JOIN tasks k ON k.name = o.task,
             loupe_field_terms(o.confidence, o.field_confidence, true, loupe_field_human(o.decision_action, o.decided_by, o.changes),
                               o.changes, coalesce(k.field_pointers, '{}')) t
        WHERE o.gold_id IS NULL AND (o.field_confidence IS NOT NULL OR loupe_field_human(o.decision_action, o.decided_by, o.changes))
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(t.f_items) <> 0 OR sum(t.f_reviewed) <> 0 OR sum(t.f_corrected) <> 0 OR sum(t.f_changed) <> 0;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER items_fields_insert AFTER INSERT ON items
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION field_rollup_delta();
CREATE TRIGGER items_fields_update AFTER UPDATE ON items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION field_rollup_delta();
CREATE TRIGGER items_fields_delete AFTER DELETE ON items
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION field_rollup_delta();
