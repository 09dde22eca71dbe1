-- The whole cehours schema. Written once for MySQL/MariaDB and SQLite:
-- {{ID}} is the auto-increment primary key and {{TABLE}} the table options
-- of the dialect (see dialect.go). Hours columns hold hundredths of an hour
-- as integers (400 = 4 hours); dates are DATE, instants DATETIME in UTC.

-- +goose Up

-- Every file ever imported, with its replacement scope and counts.
CREATE TABLE files (
    id           {{ID}},
    sha256       CHAR(64)     NOT NULL,
    name         VARCHAR(255) NOT NULL,
    path         TEXT         NOT NULL,
    kind         VARCHAR(16)  NOT NULL,
    scope        VARCHAR(191) NOT NULL DEFAULT '',
    unit_code    VARCHAR(32)  NOT NULL DEFAULT '',
    size         BIGINT       NOT NULL DEFAULT 0,
    status       VARCHAR(16)  NOT NULL,
    stored       INTEGER      NOT NULL DEFAULT 0,
    rejected     INTEGER      NOT NULL DEFAULT 0,
    skipped      INTEGER      NOT NULL DEFAULT 0,
    error        TEXT,
    imported_at  DATETIME     NOT NULL,
    replaced_by  BIGINT
) {{TABLE}};
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_kind_scope ON files (kind, scope);

-- Units and their heads, one snapshot per units file; active = current.
CREATE TABLE units (
    id        {{ID}},
    file_id   BIGINT       NOT NULL,
    active    SMALLINT     NOT NULL DEFAULT 1,
    code      VARCHAR(32)  NOT NULL,
    name      VARCHAR(200) NOT NULL
) {{TABLE}};
CREATE INDEX units_active_code ON units (active, code);

CREATE TABLE unit_heads (
    id         {{ID}},
    file_id    BIGINT       NOT NULL,
    active     SMALLINT     NOT NULL DEFAULT 1,
    unit_code  VARCHAR(32)  NOT NULL,
    name       VARCHAR(100) NOT NULL DEFAULT '',
    email      VARCHAR(255) NOT NULL DEFAULT ''
) {{TABLE}};
CREATE INDEX unit_heads_active_unit ON unit_heads (active, unit_code);

-- The roster, one snapshot per roster file; older snapshots stay as history.
CREATE TABLE staff (
    id          {{ID}},
    file_id     BIGINT       NOT NULL,
    sheet       VARCHAR(100) NOT NULL DEFAULT '',
    row_no      INTEGER      NOT NULL DEFAULT 0,
    active      SMALLINT     NOT NULL DEFAULT 1,
    staff_no    VARCHAR(32)  NOT NULL,
    name        VARCHAR(100) NOT NULL,
    unit_code   VARCHAR(32)  NOT NULL DEFAULT '',
    email       VARCHAR(255) NOT NULL DEFAULT '',
    teacher     SMALLINT     NOT NULL DEFAULT 0,
    series      VARCHAR(64)  NOT NULL DEFAULT '',
    birth_date  DATE,
    hire_date   DATE,
    leave_date  DATE,
    extra       TEXT
) {{TABLE}};
CREATE INDEX staff_active_no ON staff (active, staff_no);
CREATE INDEX staff_active_unit_name ON staff (active, unit_code, name);

-- Activity records of the attendance, unit-sheet and claims kinds, with
-- provenance and raw values. year is the effective academic year (the
-- explicit 学年, else the start date's); year_explicit is 0 when none.
CREATE TABLE records (
    id             {{ID}},
    file_id        BIGINT       NOT NULL,
    kind           VARCHAR(16)  NOT NULL,
    sheet          VARCHAR(100) NOT NULL DEFAULT '',
    row_no         INTEGER      NOT NULL DEFAULT 0,
    active         SMALLINT     NOT NULL DEFAULT 1,
    staff_no       VARCHAR(32)  NOT NULL DEFAULT '',
    name           VARCHAR(100) NOT NULL DEFAULT '',
    unit_code      VARCHAR(32)  NOT NULL DEFAULT '',
    event_code     VARCHAR(100) NOT NULL DEFAULT '',
    title          VARCHAR(500) NOT NULL DEFAULT '',
    type_no        INTEGER      NOT NULL DEFAULT 0,
    type_raw       VARCHAR(200) NOT NULL DEFAULT '',
    category       VARCHAR(2)   NOT NULL DEFAULT '',
    role           VARCHAR(16)  NOT NULL DEFAULT '',
    start_date     DATE,
    end_date       DATE,
    days           INTEGER      NOT NULL DEFAULT 0,
    cnt            INTEGER      NOT NULL DEFAULT 0,
    level          VARCHAR(16)  NOT NULL DEFAULT '',
    share          INTEGER      NOT NULL DEFAULT 0,
    hours          BIGINT       NOT NULL DEFAULT 0,
    year_explicit  INTEGER      NOT NULL DEFAULT 0,
    year           INTEGER      NOT NULL DEFAULT 0,
    organiser      VARCHAR(200) NOT NULL DEFAULT '',
    evidence       VARCHAR(200) NOT NULL DEFAULT '',
    review         VARCHAR(16)  NOT NULL DEFAULT '',
    flags          VARCHAR(255) NOT NULL DEFAULT '',
    extra          TEXT,
    raw            TEXT
) {{TABLE}};
CREATE INDEX records_person ON records (active, year, staff_no);
CREATE INDEX records_file ON records (file_id);
CREATE INDEX records_evidence ON records (active, evidence);

-- A unit's per-person summary rows (A/B/C totals), compared with standings.
CREATE TABLE unit_totals (
    id         {{ID}},
    file_id    BIGINT       NOT NULL,
    sheet      VARCHAR(100) NOT NULL DEFAULT '',
    row_no     INTEGER      NOT NULL DEFAULT 0,
    active     SMALLINT     NOT NULL DEFAULT 1,
    staff_no   VARCHAR(32)  NOT NULL,
    unit_code  VARCHAR(32)  NOT NULL DEFAULT '',
    year       INTEGER      NOT NULL,
    hours_a    BIGINT       NOT NULL DEFAULT 0,
    hours_b    BIGINT       NOT NULL DEFAULT 0,
    hours_c    BIGINT       NOT NULL DEFAULT 0
) {{TABLE}};
CREATE INDEX unit_totals_person ON unit_totals (active, year, staff_no);

-- Rows that could not be read, with where and why.
CREATE TABLE rejects (
    id        {{ID}},
    file_id   BIGINT       NOT NULL,
    sheet     VARCHAR(100) NOT NULL DEFAULT '',
    row_no    INTEGER      NOT NULL DEFAULT 0,
    col       VARCHAR(100) NOT NULL DEFAULT '',
    value     TEXT,
    code      VARCHAR(32)  NOT NULL,
    message   TEXT         NOT NULL,
    raw       TEXT
) {{TABLE}};
CREATE INDEX rejects_file ON rejects (file_id);

-- The standing of each person and year, with the ledger that explains it
-- (a JSON array of lines) and a digest of both to skip unchanged writes.
-- Keys and indexes that serve per-person work lead with the year and then
-- the staff number: reconciliation reads and writes a year in staff
-- ranges, and an index led by the year alone would scan the whole year
-- for every range.
CREATE TABLE standings (
    staff_no      VARCHAR(32)  NOT NULL,
    year          INTEGER      NOT NULL,
    unit_code     VARCHAR(32)  NOT NULL DEFAULT '',
    name          VARCHAR(100) NOT NULL DEFAULT '',
    status        VARCHAR(16)  NOT NULL,
    if_confirmed  VARCHAR(16)  NOT NULL DEFAULT '',
    profile       VARCHAR(32)  NOT NULL DEFAULT '',
    whole_year    SMALLINT     NOT NULL DEFAULT 0,
    hours_a       BIGINT       NOT NULL DEFAULT 0,
    hours_b       BIGINT       NOT NULL DEFAULT 0,
    hours_c       BIGINT       NOT NULL DEFAULT 0,
    hours_total   BIGINT       NOT NULL DEFAULT 0,
    pending_a     BIGINT       NOT NULL DEFAULT 0,
    pending_b     BIGINT       NOT NULL DEFAULT 0,
    pending_c     BIGINT       NOT NULL DEFAULT 0,
    pending_total BIGINT       NOT NULL DEFAULT 0,
    capped        BIGINT       NOT NULL DEFAULT 0,
    missing_total BIGINT       NOT NULL DEFAULT 0,
    missing_a     BIGINT       NOT NULL DEFAULT 0,
    missing_bc    BIGINT       NOT NULL DEFAULT 0,
    ledger        MEDIUMTEXT,
    digest        CHAR(64)     NOT NULL DEFAULT '',
    computed_at   DATETIME     NOT NULL,
    PRIMARY KEY (year, staff_no)
) {{TABLE}};
CREATE INDEX standings_year_unit ON standings (year, unit_code, status);

-- Discrepancies with an identity stable across runs.
CREATE TABLE discrepancies (
    id           VARCHAR(32)  NOT NULL PRIMARY KEY,
    code         VARCHAR(32)  NOT NULL,
    severity     VARCHAR(16)  NOT NULL,
    staff_no     VARCHAR(32)  NOT NULL DEFAULT '',
    unit_code    VARCHAR(32)  NOT NULL DEFAULT '',
    year         INTEGER      NOT NULL DEFAULT 0,
    subject      VARCHAR(191) NOT NULL DEFAULT '',
    message      TEXT         NOT NULL,
    action       TEXT,
    sources      TEXT,
    status       VARCHAR(16)  NOT NULL,
    first_seen   DATE         NOT NULL,
    last_seen    DATE         NOT NULL,
    resolved_on  DATE
) {{TABLE}};
CREATE INDEX discrepancies_year_unit ON discrepancies (year, unit_code, status);
CREATE INDEX discrepancies_person ON discrepancies (year, staff_no);

-- Reviewers' decisions; the newest decision on a discrepancy is in force.
CREATE TABLE resolutions (
    id              {{ID}},
    discrepancy_id  VARCHAR(32)  NOT NULL,
    accepted        SMALLINT     NOT NULL,
    note            TEXT,
    decided_by      VARCHAR(100) NOT NULL DEFAULT '',
    decided_at      DATETIME     NOT NULL,
    file_id         BIGINT
) {{TABLE}};
CREATE INDEX resolutions_discrepancy ON resolutions (discrepancy_id);

-- Every job run; periodic jobs are keyed by their period.
CREATE TABLE job_runs (
    id           {{ID}},
    job          VARCHAR(32)  NOT NULL,
    period       VARCHAR(32)  NOT NULL DEFAULT '',
    instance     VARCHAR(100) NOT NULL DEFAULT '',
    started_at   DATETIME     NOT NULL,
    finished_at  DATETIME,
    outcome      VARCHAR(16)  NOT NULL,
    counts       TEXT,
    error        TEXT
) {{TABLE}};
CREATE INDEX job_runs_job_period ON job_runs (job, period);
CREATE INDEX job_runs_started ON job_runs (started_at);

-- Named locks for databases without GET_LOCK (SQLite).
CREATE TABLE locks (
    name         VARCHAR(64)  NOT NULL PRIMARY KEY,
    holder       VARCHAR(100) NOT NULL,
    acquired_at  DATETIME     NOT NULL,
    expires_at   DATETIME     NOT NULL
) {{TABLE}};

-- The mail outbox: each message stored, rendered, before it is sent.
CREATE TABLE outbox (
    id               {{ID}},
    idem_key         VARCHAR(191) NOT NULL,
    kind             VARCHAR(16)  NOT NULL,
    recipient        VARCHAR(255) NOT NULL,
    subject          VARCHAR(500) NOT NULL DEFAULT '',
    message_id       VARCHAR(255) NOT NULL,
    body             LONGBLOB     NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at  DATETIME     NOT NULL,
    last_error       TEXT,
    created_at       DATETIME     NOT NULL,
    sent_at          DATETIME
) {{TABLE}};
CREATE UNIQUE INDEX outbox_idem_key ON outbox (idem_key);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE outbox_attachments (
    id            {{ID}},
    outbox_id     BIGINT       NOT NULL,
    filename      VARCHAR(255) NOT NULL,
    name          VARCHAR(255) NOT NULL DEFAULT '',
    content_type  VARCHAR(100) NOT NULL DEFAULT '',
    size          BIGINT       NOT NULL DEFAULT 0
) {{TABLE}};
CREATE INDEX outbox_attachments_outbox ON outbox_attachments (outbox_id);

-- +goose Down
DROP TABLE outbox_attachments;
DROP TABLE outbox;
DROP TABLE locks;
DROP TABLE job_runs;
DROP TABLE resolutions;
DROP TABLE discrepancies;
DROP TABLE standings;
DROP TABLE rejects;
DROP TABLE unit_totals;
DROP TABLE records;
DROP TABLE staff;
DROP TABLE unit_heads;
DROP TABLE units;
DROP TABLE files;
