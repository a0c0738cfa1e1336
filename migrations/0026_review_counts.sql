-- Exports say how many people reviewed each item (issue 12, point 7): consensus reviews are counted on the item as
-- they are recorded, so an export reads a column instead of counting reviews row by row.
ALTER TABLE items ADD COLUMN review_count smallint NOT NULL DEFAULT 0 CHECK (review_count BETWEEN 0 AND 100);
