-- Keep task schemas exactly as written: jsonb re-sorts object keys, and the review form lists fields
-- in the schema's property order. (Rows stored before this keep jsonb's order.)
ALTER TABLE tasks ALTER COLUMN output_schema TYPE json USING output_schema::json;
