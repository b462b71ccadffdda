-- docgen tracker schema 2: one office's records are read-only to the others, enforced by
-- the database when the administrator gives each office its own role.
--
-- Every office may read every row (the national view). Once an office is listed in
-- docgen.office_roles, only members of its role(s) may insert, change or delete its
-- rows; an office not listed there is not protected (a one-office server needs no
-- roles). The tables' owner (who runs `docgen tracker init`) is not bound by these
-- policies. docs/tracker-postgresql.md shows the setup.

CREATE TABLE docgen.office_roles (
    office text NOT NULL,
    role   name NOT NULL,
    PRIMARY KEY (office, role)
);

CREATE FUNCTION docgen.may_write(target text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT NOT EXISTS (SELECT 1 FROM docgen.office_roles r WHERE r.office = target)
        OR EXISTS (SELECT 1 FROM docgen.office_roles r JOIN pg_roles g ON g.rolname = r.role
                   WHERE r.office = target AND pg_has_role(current_user, g.oid, 'MEMBER'))
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['offices', 'numbers', 'letters', 'certificates', 'terminations',
                             'builds', 'history', 'agreements'] LOOP
        EXECUTE format('ALTER TABLE docgen.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY read_all ON docgen.%I FOR SELECT USING (true)', t);
        EXECUTE format('CREATE POLICY insert_own ON docgen.%I FOR INSERT '
                       'WITH CHECK (docgen.may_write(office))', t);
        EXECUTE format('CREATE POLICY update_own ON docgen.%I FOR UPDATE '
                       'USING (docgen.may_write(office)) WITH CHECK (docgen.may_write(office))', t);
        EXECUTE format('CREATE POLICY delete_own ON docgen.%I FOR DELETE '
                       'USING (docgen.may_write(office))', t);
    END LOOP;
END
$$;
