DROP INDEX cases_channel_received;
ALTER TABLE cases DROP COLUMN media_url;
ALTER TABLE cases DROP COLUMN attributes;
ALTER TABLE categories DROP COLUMN attributes;
