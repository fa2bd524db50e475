DROP INDEX surveys_waiting;
DROP INDEX follow_ups_status_done;
DROP INDEX surveys_answered_created;
