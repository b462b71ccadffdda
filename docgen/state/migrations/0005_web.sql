-- docgen tracker schema 5: the web face (`docgen serve`).
--
-- users: the office's web users (`docgen user`), each with a role and an argon2id hash
-- of its password. Unlike the other tables, one office's users are not readable by the
-- others: a hash is nobody else's business, not even for the national view.
-- verifications: every answer of the public verification page (time, number, outcome,
-- client address), append-only, readable by the office's admins in the web face.

CREATE TABLE docgen.users (
    office text NOT NULL,
    pos    bigint GENERATED ALWAYS AS IDENTITY,
    name   text NOT NULL,
    data   json NOT NULL,
    PRIMARY KEY (office, name)
);

CREATE TABLE docgen.verifications (
    office text NOT NULL,
    pos    bigint GENERATED ALWAYS AS IDENTITY,
    data   json NOT NULL,
    PRIMARY KEY (office, pos)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'verifications'] LOOP
        EXECUTE format('ALTER TABLE docgen.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY read_own ON docgen.%I FOR SELECT USING (docgen.may_write(office))', t);
        EXECUTE format('CREATE POLICY insert_own ON docgen.%I FOR INSERT '
                       'WITH CHECK (docgen.may_write(office))', t);
        EXECUTE format('CREATE POLICY update_own ON docgen.%I FOR UPDATE '
                       'USING (docgen.may_write(office)) WITH CHECK (docgen.may_write(office))', t);
        EXECUTE format('CREATE POLICY delete_own ON docgen.%I FOR DELETE '
                       'USING (docgen.may_write(office))', t);
    END LOOP;
END
$$;
