-- docgen tracker schema 6: what each agreement was signed with (`agreement sign`), so that
-- an edit of a signed agreement's file is reported and its terms kept until an adendum.
-- Read and written by its own office only (like numbers, letters and builds).
CREATE TABLE docgen.signatures (
    office    text NOT NULL,
    pos       bigint GENERATED ALWAYS AS IDENTITY,
    agreement text NOT NULL,
    data      json NOT NULL,
    PRIMARY KEY (office, agreement)
);

ALTER TABLE docgen.signatures ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_own ON docgen.signatures FOR SELECT USING (docgen.may_act(office));
CREATE POLICY insert_own ON docgen.signatures FOR INSERT WITH CHECK (docgen.may_act(office));
CREATE POLICY update_own ON docgen.signatures FOR UPDATE
    USING (docgen.may_act(office)) WITH CHECK (docgen.may_act(office));
CREATE POLICY delete_own ON docgen.signatures FOR DELETE USING (docgen.may_act(office));

-- An office role's privileges now include the new table; the roles already mapped get them.
CREATE OR REPLACE FUNCTION docgen.office_privileges() RETURNS TABLE (tab text, privs text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES ('schema_version', 'SELECT'),
           ('offices', 'SELECT, INSERT, UPDATE (info, published_at)'),
           ('agreements', 'SELECT, INSERT, UPDATE (data, published_at)'),
           ('numbers', 'SELECT, INSERT, UPDATE (data, kind, year, seq, pos)'),
           ('letters', 'SELECT, INSERT, UPDATE (data, pos)'),
           ('certificates', 'SELECT, INSERT, UPDATE (data, pos)'),
           ('terminations', 'SELECT, INSERT, UPDATE (data, pos)'),
           ('builds', 'SELECT, INSERT, UPDATE (data, pos)'),
           ('history', 'SELECT, INSERT'),
           ('certificate_keys', 'SELECT, INSERT'),
           ('journal', 'SELECT, INSERT, DELETE'),
           ('users', 'SELECT, INSERT, UPDATE (data, pos)'),
           ('verifications', 'SELECT, INSERT'),
           ('signatures', 'SELECT, INSERT, UPDATE (data, pos)')
$$;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT o.role FROM docgen.office_roles o
             JOIN pg_catalog.pg_roles g ON g.rolname = o.role LOOP
        PERFORM docgen.grant_office_rights(r.role);
    END LOOP;
END
$$;
