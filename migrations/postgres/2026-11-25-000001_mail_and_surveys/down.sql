DROP INDEX cases_open_next_notice;
ALTER TABLE cases DROP COLUMN next_notice_at;
DROP TABLE follow_ups;
DROP TABLE surveys;
DROP TABLE outbox;
