-- Few-shot examples from human decisions, ranked by trigram similarity inside PostgreSQL.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Keep a human approval of a pending item as a positive example too (corrections always are).
ALTER TABLE tasks ADD COLUMN approvals_as_examples boolean NOT NULL DEFAULT false;

-- The searchable text of an input: a string as it is, JSON as its scalar values joined by spaces.
CREATE FUNCTION loupe_input_text(j jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT left(CASE jsonb_typeof(j)
        WHEN 'string' THEN j #>> '{}'
        WHEN 'object' THEN coalesce((SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(j, 'strict $.**') AS v
                                     WHERE jsonb_typeof(v) IN ('string', 'number')), '')
        WHEN 'array' THEN coalesce((SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(j, 'strict $.**') AS v
                                    WHERE jsonb_typeof(v) IN ('string', 'number')), '')
        ELSE j::text END, 4000)
$$;

CREATE TABLE examples (
    id              uuid PRIMARY KEY,
    task            text NOT NULL REFERENCES tasks (name),
    input           jsonb NOT NULL,
    input_text      text NOT NULL,
    -- Identical inputs keep only the latest example.
    input_hash      text NOT NULL,
    output          jsonb NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('correction', 'approval')),
    prompt_version  text,
    model           text,
    source_item     uuid NOT NULL REFERENCES items (id),
    reviewer        text NOT NULL,
    enabled         boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL,
    UNIQUE (task, input_hash)
);
-- KNN ordering (<->) needs GiST; it keeps nearest-first queries fast at 100k examples.
CREATE INDEX examples_similarity ON examples USING gist (input_text gist_trgm_ops);
CREATE INDEX examples_recent ON examples (task, created_at DESC) WHERE enabled;
CREATE INDEX examples_task_id ON examples (task, id);

-- Export and calibration read human decisions by task and time.
CREATE INDEX items_decided ON items (task, decided_at) WHERE decided_by IS NOT NULL;
