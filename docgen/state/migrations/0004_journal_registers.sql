-- docgen tracker schema 4: the journal of pending work (state/journal.py) and numbers
-- that belong to another office's register.
--
-- journal: one entry per command that committed numbers and has not yet put its files
-- in place; the next writer of that workspace finishes it and deletes the entry.
CREATE TABLE docgen.journal (
    office text NOT NULL,
    pos    bigint GENERATED ALWAYS AS IDENTITY,
    id     text NOT NULL,
    data   json NOT NULL,
    PRIMARY KEY (office, id)
);

-- An office's pending work is its own (schema 3's isolation): read and written only by
-- the office; its roles get SELECT, INSERT, DELETE (docgen.office_privileges).
ALTER TABLE docgen.journal ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_own ON docgen.journal FOR SELECT USING (docgen.may_act(office));
CREATE POLICY insert_own ON docgen.journal FOR INSERT WITH CHECK (docgen.may_act(office));
CREATE POLICY update_own ON docgen.journal FOR UPDATE
    USING (docgen.may_act(office)) WITH CHECK (docgen.may_act(office));
CREATE POLICY delete_own ON docgen.journal FOR DELETE USING (docgen.may_act(office));
DO $$
DECLARE
    r name;
BEGIN
    FOR r IN SELECT DISTINCT o.role FROM docgen.office_roles o JOIN pg_roles g ON g.rolname = o.role LOOP
        PERFORM docgen.grant_office_rights(r);
    END LOOP;
END
$$;

-- numbers: the register a number belongs to (NULL: the office's own) and whether docgen
-- allocated it or recorded it as given (the agenda book, the central office). Only the
-- numbers docgen allocates hold a sequence place of their own; a recorded number may
-- repeat one (an agenda book is what it is) and is found by its text.
ALTER TABLE docgen.numbers ADD COLUMN register text;
ALTER TABLE docgen.numbers ADD COLUMN source text NOT NULL DEFAULT 'allocated';
ALTER TABLE docgen.numbers DROP CONSTRAINT numbers_office_kind_year_seq_key;
CREATE UNIQUE INDEX numbers_allocated_place ON docgen.numbers (office, kind, year, seq)
    WHERE register IS NULL AND source = 'allocated';
-- The next number: the highest sequence of the own register, per kind (and year).
CREATE INDEX numbers_own_last ON docgen.numbers (office, kind, year, seq)
    WHERE register IS NULL AND seq IS NOT NULL;
CREATE INDEX numbers_own_last_any_year ON docgen.numbers (office, kind, seq)
    WHERE register IS NULL AND seq IS NOT NULL;
