-- Models carry a name people choose them by (proposed with the training job, editable later) and
-- a "main" mark: the model the analyst plans campaigns from (docs/ui.md "Models"). At most one
-- model half per workspace is marked; without a mark the app names a default.
ALTER TABLE models ADD COLUMN name TEXT;
ALTER TABLE models ADD COLUMN main INTEGER NOT NULL DEFAULT 0 CHECK (main IN (0, 1));
