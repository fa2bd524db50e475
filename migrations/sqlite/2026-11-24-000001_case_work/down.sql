DROP INDEX cases_due_id;
DROP INDEX cases_team_received_id;
DROP TABLE case_holds;
