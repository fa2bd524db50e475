-- One row that changes whenever reference data changes, so that every instance
-- can keep holidays, categories, rules, teams, operators and tokens in memory
-- and check one number per unit of work instead of re-reading them all.
-- The triggers bump it in the changing transaction itself: no code path (nor a
-- hand-written UPDATE) can change reference data without it.
CREATE TABLE reference_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- Tells databases apart: a process talking to two databases never takes one's data for the other's.
    database_id TEXT NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO reference_version (id, database_id, version) VALUES (1, lower(hex(randomblob(16))), 1);
CREATE TRIGGER holidays_reference_insert AFTER INSERT ON holidays
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER holidays_reference_update AFTER UPDATE ON holidays
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER holidays_reference_delete AFTER DELETE ON holidays
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_reference_insert AFTER INSERT ON categories
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_reference_update AFTER UPDATE ON categories
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_reference_delete AFTER DELETE ON categories
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER routing_rules_reference_insert AFTER INSERT ON routing_rules
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER routing_rules_reference_update AFTER UPDATE ON routing_rules
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER routing_rules_reference_delete AFTER DELETE ON routing_rules
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER teams_reference_insert AFTER INSERT ON teams
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER teams_reference_update AFTER UPDATE ON teams
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER teams_reference_delete AFTER DELETE ON teams
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER operator_teams_reference_insert AFTER INSERT ON operator_teams
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER operator_teams_reference_update AFTER UPDATE ON operator_teams
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER operator_teams_reference_delete AFTER DELETE ON operator_teams
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
-- Sign-ins and password changes do not change what is cached about an operator.
CREATE TRIGGER operators_reference_insert AFTER INSERT ON operators
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER operators_reference_update AFTER UPDATE OF name, role, active, locale ON operators
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER operators_reference_delete AFTER DELETE ON operators
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
-- A token's last use is written often and is not cached.
CREATE TRIGGER api_tokens_reference_insert AFTER INSERT ON api_tokens
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER api_tokens_reference_update AFTER UPDATE OF operator_id, token_hash, active ON api_tokens
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER api_tokens_reference_delete AFTER DELETE ON api_tokens
    BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
