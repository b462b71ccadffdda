-- docgen tracker schema 6: what each agreement was signed with (`agreement sign`), so that
-- an edit of a signed agreement's file is reported and its terms kept until an adendum.
CREATE TABLE docgen.signatures (
    office    text NOT NULL,
    pos       bigint GENERATED ALWAYS AS IDENTITY,
    agreement text NOT NULL,
    data      json NOT NULL,
    PRIMARY KEY (office, agreement)
);

ALTER TABLE docgen.signatures ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON docgen.signatures FOR SELECT USING (true);
CREATE POLICY insert_own ON docgen.signatures FOR INSERT WITH CHECK (docgen.may_write(office));
CREATE POLICY update_own ON docgen.signatures FOR UPDATE
    USING (docgen.may_write(office)) WITH CHECK (docgen.may_write(office));
CREATE POLICY delete_own ON docgen.signatures FOR DELETE USING (docgen.may_write(office));
