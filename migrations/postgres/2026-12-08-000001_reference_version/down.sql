DROP TRIGGER api_tokens_reference ON api_tokens;
DROP TRIGGER operators_reference ON operators;
DROP TRIGGER operator_teams_reference ON operator_teams;
DROP TRIGGER teams_reference ON teams;
DROP TRIGGER routing_rules_reference ON routing_rules;
DROP TRIGGER categories_reference ON categories;
DROP TRIGGER holidays_reference ON holidays;
DROP FUNCTION bump_reference_version();
DROP TABLE reference_version;
