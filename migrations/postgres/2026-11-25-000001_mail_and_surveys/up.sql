-- Mail that is never lost: every notice is a row written with the change that
-- causes it; a worker sends pending rows and retries failures.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    case_id TEXT REFERENCES cases (id),
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, not_before);
CREATE INDEX outbox_case ON outbox (case_id);

-- One happy call per case at most: by email link or by phone.
CREATE TABLE surveys (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    team_id TEXT REFERENCES teams (id),
    token_hash TEXT,
    channel TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    reminder_id TEXT,
    answered_at TIMESTAMP,
    answered_by TEXT REFERENCES operators (id),
    process_score INTEGER,
    result_score INTEGER,
    comment TEXT
);
CREATE UNIQUE INDEX surveys_case ON surveys (case_id);
CREATE UNIQUE INDEX surveys_token ON surveys (token_hash);
CREATE INDEX surveys_team_answered ON surveys (team_id, answered_at);
CREATE INDEX surveys_team_created ON surveys (team_id, created_at);

-- A dissatisfied citizen (a score of 2 or less) is followed up by the team's managers.
CREATE TABLE follow_ups (
    id TEXT PRIMARY KEY NOT NULL,
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    team_id TEXT REFERENCES teams (id),
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP,
    done_by TEXT REFERENCES operators (id),
    note TEXT
);
CREATE INDEX follow_ups_team_status ON follow_ups (team_id, status, created_at);

-- When an open case is next due a progress notice (30 days after receipt, then every 30 days).
ALTER TABLE cases ADD COLUMN next_notice_at TIMESTAMP;
UPDATE cases SET next_notice_at = received_at + INTERVAL '30 days';
CREATE INDEX cases_open_next_notice ON cases (is_open, next_notice_at);
