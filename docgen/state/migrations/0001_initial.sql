-- docgen tracker schema 1: everything the file tracker holds, per issuing office
-- (the workspace's unit_code), plus the agreements each office publishes for the
-- national view. Records are kept as `json` (not jsonb) so that their text, key
-- order included, comes back exactly as it was written.

CREATE SCHEMA IF NOT EXISTS docgen;

CREATE TABLE docgen.schema_version (
    version    integer PRIMARY KEY,
    docgen     text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- The offices that publish to this tracker, with their name for the national view.
CREATE TABLE docgen.offices (
    office       text PRIMARY KEY,
    info         json NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);

-- The number registry (buku agenda): never two records of one number, nor two of one
-- sequence place (kind, year, seq) in an office.
CREATE TABLE docgen.numbers (
    office text NOT NULL,
    pos    bigint GENERATED ALWAYS AS IDENTITY,
    number text NOT NULL,
    kind   text,
    year   integer,
    seq    integer,
    data   json NOT NULL,
    PRIMARY KEY (office, number),
    UNIQUE (office, kind, year, seq)
);

CREATE TABLE docgen.letters (
    office text NOT NULL,
    pos    bigint GENERATED ALWAYS AS IDENTITY,
    number text NOT NULL,
    data   json NOT NULL,
    PRIMARY KEY (office, number)
);

CREATE TABLE docgen.certificates (
    office text NOT NULL,
    pos    bigint GENERATED ALWAYS AS IDENTITY,
    number text NOT NULL,
    data   json NOT NULL,
    PRIMARY KEY (office, number)
);

CREATE TABLE docgen.terminations (
    office text NOT NULL,
    pos    bigint GENERATED ALWAYS AS IDENTITY,
    id     text NOT NULL,
    data   json NOT NULL,
    PRIMARY KEY (office, id)
);

CREATE TABLE docgen.builds (
    office text NOT NULL,
    pos    bigint GENERATED ALWAYS AS IDENTITY,
    output text NOT NULL,
    data   json NOT NULL,
    PRIMARY KEY (office, output)
);

-- The deliverable history: per agreement, append-only events "1", "2", ...
CREATE TABLE docgen.history (
    office    text NOT NULL,
    pos       bigint GENERATED ALWAYS AS IDENTITY,
    agreement text NOT NULL,
    id        text NOT NULL,
    data      json NOT NULL,
    PRIMARY KEY (office, agreement, id)
);
CREATE INDEX history_by_agreement ON docgen.history (office, agreement, pos);

-- The national view: each office's validated agreements (the model as JSON).
CREATE TABLE docgen.agreements (
    office       text NOT NULL,
    id           text NOT NULL,
    data         json NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (office, id)
);
