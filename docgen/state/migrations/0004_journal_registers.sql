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

ALTER TABLE docgen.journal ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON docgen.journal FOR SELECT USING (true);
CREATE POLICY insert_own ON docgen.journal FOR INSERT WITH CHECK (docgen.may_write(office));
CREATE POLICY update_own ON docgen.journal FOR UPDATE
    USING (docgen.may_write(office)) WITH CHECK (docgen.may_write(office));
CREATE POLICY delete_own ON docgen.journal FOR DELETE USING (docgen.may_write(office));
