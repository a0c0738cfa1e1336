-- Few-shot examples that match by meaning: words stemmed in the task's language and ranked like BM25, and
-- embeddings the upstream system supplies, searched exactly in each server's memory (pgvector is not assumed).

-- The PostgreSQL text search configuration a task's inputs are written in (stemming, stop words).
ALTER TABLE tasks ADD COLUMN text_search_config text NOT NULL DEFAULT 'english';
-- Length of the embeddings intake accepts for the task (null: none).
ALTER TABLE tasks ADD COLUMN embedding_dimensions integer CHECK (embedding_dimensions BETWEEN 1 AND 4096);

-- An embedding as little-endian float32s: a tenth of real[]'s size on the wire, read straight into memory.
ALTER TABLE items ADD COLUMN embedding bytea CHECK (octet_length(embedding) BETWEEN 4 AND 16384 AND octet_length(embedding) % 4 = 0);
-- An embedding is derived from the input and can give it away: erasure clears it too.
ALTER TABLE items DROP CONSTRAINT items_erased_skeleton;
ALTER TABLE items ADD CONSTRAINT items_erased_skeleton CHECK (
    erased_at IS NULL OR (input = 'null'::jsonb AND output = 'null'::jsonb AND final_output IS NULL AND metadata IS NULL
                          AND decision_reason IS NULL AND callback_url IS NULL AND embedding IS NULL));

ALTER TABLE examples ADD COLUMN embedding bytea;
ALTER TABLE examples ADD COLUMN text_config regconfig NOT NULL DEFAULT 'english';

-- The words of an example are now its words as written ('simple': lower-cased, stop words kept, since "not" and
-- "where" tell intents apart) together with their stems in the task's language ('english': "refunds" and
-- "refunded" share "refund"), so a query worded differently still meets the examples it should. Measured on the
-- look-alike tickets of Tests/Fixtures/retrieval: words alone or stems alone rank worse than both. A generated
-- column's expression cannot change in place before PostgreSQL 17: drop it, add it back, count again.
ALTER TABLE examples DROP COLUMN terms;
ALTER TABLE examples ADD COLUMN terms text[]
    GENERATED ALWAYS AS (tsvector_to_array(to_tsvector('simple'::regconfig, input_text) || to_tsvector(text_config, input_text))) STORED;
CREATE INDEX examples_terms ON examples USING gin (terms) WITH (fastupdate = off);

-- example_terms also holds, under the empty word (never a lexeme), how many examples the task has: the
-- document count of the rank's inverse document frequency, kept by the same statement-level triggers.
CREATE OR REPLACE FUNCTION example_terms_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO example_terms (task, term, df)
        SELECT task, term, count(*) FROM new_rows, unnest(terms || ''::text) AS term
        GROUP BY task, term ORDER BY task, term
        ON CONFLICT (task, term) DO UPDATE SET df = example_terms.df + EXCLUDED.df;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE example_terms t SET df = t.df - o.n
        FROM (SELECT task, term, count(*) AS n FROM old_rows, unnest(terms || ''::text) AS term GROUP BY task, term ORDER BY task, term) o
        WHERE t.task = o.task AND t.term = o.term;
    ELSE
        INSERT INTO example_terms (task, term, df)
        SELECT task, term, sum(n) FROM (
            SELECT task, term, 1 AS n FROM new_rows, unnest(terms || ''::text) AS term
            UNION ALL
            SELECT task, term, -1 FROM old_rows, unnest(terms || ''::text) AS term
        ) AS delta
        GROUP BY task, term HAVING sum(n) <> 0 ORDER BY task, term
        ON CONFLICT (task, term) DO UPDATE SET df = example_terms.df + EXCLUDED.df;
    END IF;
    RETURN NULL;
END;
$$;
TRUNCATE example_terms;
INSERT INTO example_terms (task, term, df)
SELECT task, term, count(*) FROM examples, unnest(terms || ''::text) AS term GROUP BY task, term;

-- Every server keeps the embeddings of the tasks it searched in memory; this tells them which examples changed
-- ("task id,id,…", or "task *" when a statement touched too many to list), at commit, like loupe_decided.
CREATE FUNCTION examples_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change record;
BEGIN
    FOR change IN
        SELECT task, CASE WHEN count(*) > 100 THEN '*' ELSE string_agg(id::text, ',') END AS ids
        FROM (SELECT task, id FROM changed_rows) AS c GROUP BY task
    LOOP
        PERFORM pg_notify('loupe_examples', change.task || ' ' || change.ids);
    END LOOP;
    RETURN NULL;
END;
$$;
CREATE TRIGGER examples_changed_insert AFTER INSERT ON examples
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION examples_changed();
CREATE TRIGGER examples_changed_update AFTER UPDATE ON examples
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION examples_changed();
CREATE TRIGGER examples_changed_delete AFTER DELETE ON examples
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION examples_changed();
