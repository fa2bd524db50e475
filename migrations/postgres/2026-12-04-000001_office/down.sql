ALTER TABLE operators DROP COLUMN locale;
DROP TABLE office_sessions;
