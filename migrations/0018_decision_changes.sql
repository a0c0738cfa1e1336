-- Threshold science starts from what people changed: every decided item keeps the RFC 6902 JSON Patch from the
-- model's output to the final output. A stored generated column computes it in the very statement that decides
-- (a person, a deadline, intake's auto-approval alike), and erasure, which clears final_output, clears it too.

-- The patch from a to b: objects key by key (removals, then additions and changes, keys in order), arrays index by
-- index (changes in place, then removals from the end, then additions), anything else replaced whole. Equal JSON
-- values (key order ignored, numbers by value: jsonb's own equality) give [].
-- It calls itself: `SET search_path FROM CURRENT` keeps its own schema in reach when pg_restore runs with an empty
-- search_path (restoring the generated column below calls it).
CREATE FUNCTION loupe_json_patch(a jsonb, b jsonb, path text DEFAULT '') RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
DECLARE
    ops jsonb := '[]';
    k text;
    i integer;
    la integer;
    lb integer;
BEGIN
    IF a = b THEN
        RETURN ops;
    END IF;
    IF jsonb_typeof(a) = 'object' AND jsonb_typeof(b) = 'object' THEN
        FOR k IN SELECT key FROM jsonb_object_keys(a) AS key WHERE NOT b ? key ORDER BY key LOOP
            ops := ops || jsonb_build_array(jsonb_build_object('op', 'remove', 'path', path || '/' || replace(replace(k, '~', '~0'), '/', '~1')));
        END LOOP;
        FOR k IN SELECT key FROM jsonb_object_keys(b) AS key ORDER BY key LOOP
            IF a ? k THEN
                ops := ops || loupe_json_patch(a -> k, b -> k, path || '/' || replace(replace(k, '~', '~0'), '/', '~1'));
            ELSE
                ops := ops || jsonb_build_array(jsonb_build_object('op', 'add', 'path', path || '/' || replace(replace(k, '~', '~0'), '/', '~1'),
                                                                   'value', b -> k));
            END IF;
        END LOOP;
        RETURN ops;
    END IF;
    IF jsonb_typeof(a) = 'array' AND jsonb_typeof(b) = 'array' THEN
        la := jsonb_array_length(a);
        lb := jsonb_array_length(b);
        FOR i IN 0 .. least(la, lb) - 1 LOOP
            ops := ops || loupe_json_patch(a -> i, b -> i, path || '/' || i);
        END LOOP;
        FOR i IN REVERSE la - 1 .. lb LOOP
            ops := ops || jsonb_build_array(jsonb_build_object('op', 'remove', 'path', path || '/' || i));
        END LOOP;
        FOR i IN la .. lb - 1 LOOP
            ops := ops || jsonb_build_array(jsonb_build_object('op', 'add', 'path', path || '/' || i, 'value', b -> i));
        END LOOP;
        RETURN ops;
    END IF;
    RETURN jsonb_build_array(jsonb_build_object('op', 'replace', 'path', path, 'value', b));
END;
$$;

-- NULL while undecided or rejected (no final output) and after erasure. An approval (the common case, and every
-- auto-approval at intake) is settled by jsonb equality without calling the PL/pgSQL function.
ALTER TABLE items ADD COLUMN changes jsonb GENERATED ALWAYS AS (
    CASE WHEN output = final_output THEN '[]'::jsonb ELSE loupe_json_patch(output, final_output) END) STORED;
