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
INSERT INTO reference_version (id, database_id, version) VALUES (1, md5(random()::text || clock_timestamp()::text), 1);

CREATE FUNCTION bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reference_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER holidays_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON holidays
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER categories_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER routing_rules_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON routing_rules
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER teams_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON teams
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER operator_teams_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON operator_teams
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
-- Sign-ins and password changes do not change what is cached about an operator.
CREATE TRIGGER operators_reference AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, role, active, locale ON operators
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
-- A token's last use is written often and is not cached.
CREATE TRIGGER api_tokens_reference AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF operator_id, token_hash, active ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
