-- The service core: catalog, operators, cases and their history.

CREATE TABLE teams (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    triage BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX teams_name ON teams (name);

CREATE TABLE operators (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX operators_email ON operators (email);

CREATE TABLE operator_teams (
    operator_id TEXT NOT NULL REFERENCES operators (id),
    team_id TEXT NOT NULL REFERENCES teams (id),
    PRIMARY KEY (operator_id, team_id)
);
CREATE INDEX operator_teams_team ON operator_teams (team_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    operator_id TEXT NOT NULL REFERENCES operators (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_operator ON api_tokens (operator_id);

CREATE TABLE categories (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    kind TEXT NOT NULL,
    default_team_id TEXT REFERENCES teams (id),
    deadline_amount INTEGER NOT NULL,
    deadline_unit TEXT NOT NULL,
    keywords TEXT NOT NULL DEFAULT '[]',
    description TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX categories_code ON categories (code);

CREATE TABLE routing_rules (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT,
    category_code TEXT,
    keywords TEXT NOT NULL DEFAULT '[]',
    team_id TEXT NOT NULL REFERENCES teams (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX routing_rules_position ON routing_rules (position);

CREATE TABLE holidays (
    date DATE PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE receipt_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_seq INTEGER NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    receipt_no TEXT NOT NULL,
    kind TEXT NOT NULL,
    category_id TEXT REFERENCES categories (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    citizen_name TEXT NOT NULL,
    citizen_email TEXT,
    citizen_phone TEXT,
    lat DOUBLE PRECISION,
    lng DOUBLE PRECISION,
    address TEXT,
    locale TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    team_id TEXT REFERENCES teams (id),
    assignee_id TEXT REFERENCES operators (id),
    access_token_hash TEXT NOT NULL,
    deadline_amount INTEGER NOT NULL,
    deadline_unit TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    extended BOOLEAN NOT NULL DEFAULT FALSE,
    extension_count INTEGER NOT NULL DEFAULT 0,
    held_since TIMESTAMP,
    resolved_at TIMESTAMP,
    closed_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    resolution TEXT,
    planned_implementation_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX cases_receipt_no ON cases (receipt_no);
-- Queues: open cases of a team by due date; reports by receipt and resolution month.
CREATE INDEX cases_status_due ON cases (status, due_at);
CREATE INDEX cases_team_status_due ON cases (team_id, status, due_at);
CREATE INDEX cases_assignee_status ON cases (assignee_id, status);
CREATE INDEX cases_received ON cases (received_at, id);
CREATE INDEX cases_team_received ON cases (team_id, received_at);
CREATE INDEX cases_team_resolved ON cases (team_id, resolved_at);
CREATE INDEX cases_category ON cases (category_id);

CREATE TABLE case_events (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    event_type TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, at, id);

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
