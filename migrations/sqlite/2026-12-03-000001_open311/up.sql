-- Open311: a category's extra questions (JSON list), a case's answers (JSON
-- object) and the photo a report points to.
ALTER TABLE categories ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN attributes TEXT;
ALTER TABLE cases ADD COLUMN media_url TEXT;
-- The Open311 feed lists requests filed through it by time.
CREATE INDEX cases_channel_received ON cases (channel, received_at);
