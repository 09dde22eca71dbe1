-- Per-unit counts of each HR digest as it was sent, so that the next
-- digest can show the change since. Placeholders: see 00001_init.sql.

-- +goose Up
CREATE TABLE digest_units (
    year               INTEGER      NOT NULL,
    taken_on           DATE         NOT NULL,
    unit_code          VARCHAR(32)  NOT NULL,
    in_scope           INTEGER      NOT NULL DEFAULT 0,
    compliant          INTEGER      NOT NULL DEFAULT 0,
    short              INTEGER      NOT NULL DEFAULT 0,
    at_risk            INTEGER      NOT NULL DEFAULT 0,
    exempt             INTEGER      NOT NULL DEFAULT 0,
    pending            INTEGER      NOT NULL DEFAULT 0,
    open_discrepancies INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (year, taken_on, unit_code)
) {{TABLE}};

-- +goose Down
DROP TABLE digest_units;
