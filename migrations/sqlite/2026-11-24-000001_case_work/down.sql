DROP INDEX cases_team_open_due;
DROP INDEX cases_open_due;
ALTER TABLE cases DROP COLUMN is_open;
DROP INDEX cases_due_id;
DROP INDEX cases_team_received_id;
DROP TABLE case_holds;
