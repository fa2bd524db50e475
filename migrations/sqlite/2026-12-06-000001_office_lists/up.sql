-- The back office's long lists read a page at a time in index order, so a
-- page costs the same at any history size:
-- the happy-call worklist (unanswered surveys, oldest first; answered ones,
-- newest first, walk the same index backwards) ...
CREATE INDEX surveys_answered_created ON surveys (answered_at, created_at, id);
-- ... and the done follow-ups, most recently done first.
CREATE INDEX follow_ups_status_done ON follow_ups (status, done_at, id);
