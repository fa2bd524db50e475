-- Holidays now come from rules (src/domain/holidays.rs), applied per year at
-- start. `origin` tells the rules' own rows ('law', replaced when the rules
-- are applied again) from an admin's ('admin': added, renamed or deactivated
-- through the API, never touched by the rules).
ALTER TABLE holidays ADD COLUMN origin TEXT NOT NULL DEFAULT 'admin';

-- The earlier releases seeded their typed-in table in one transaction, so its
-- rows share one updated_at; rows an admin added or changed have their own.
-- Those seeded rows are the rules' rows: the next start brings them to the law.
UPDATE holidays SET origin = 'law'
WHERE updated_at = (
    SELECT updated_at FROM holidays
    GROUP BY updated_at HAVING COUNT(*) > 1
    ORDER BY COUNT(*) DESC, updated_at
    LIMIT 1
);

-- Which years the rules were applied to, and by which version of them.
CREATE TABLE holiday_years (
    year INTEGER PRIMARY KEY NOT NULL,
    rules_version INTEGER NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
