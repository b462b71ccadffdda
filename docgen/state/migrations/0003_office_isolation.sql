-- docgen tracker schema 3: offices isolated from each other by the database itself.
--
-- * The role map (docgen.office_roles) and the schema version are the owner's alone:
--   no other role may write them, so no office can map itself to another office.
-- * Every table an office writes is under row-level security: a role writes only the
--   rows of the office(s) it is mapped to (`docgen tracker grant OFFICE ROLE`), and reads
--   of the other offices only what the national view shows (their identity, published
--   agreements, the history of those agreements, terminations), never their registries,
--   letters, certificates or build records.
-- * An office role gets exactly the privileges docgen needs (docgen.grant_office_rights);
--   never TRUNCATE, REFERENCES or TRIGGER, which row-level security does not cover.
-- * The writers of an office take a row lock on its row of docgen.office_locks through
--   docgen.lock_office, which only a role mapped to that office (or the owner) may call
--   and which no role can reach otherwise: nobody else can hold an office's lock.
-- * Public keys of certificate signatures (docgen.certificate_keys) are read by every
--   office and never changed or removed: every office verifies every piagam.
--
-- The tables' owner (who runs `docgen tracker init` and `tracker grant`) is the
-- administrator and is not bound by the policies. No view or SECURITY DEFINER function
-- reads or writes office data on a caller's behalf, except lock_office, which checks
-- the caller's login (session_user) first.

CREATE TABLE docgen.office_locks (
    office text PRIMARY KEY
);

CREATE TABLE docgen.certificate_keys (
    office     text NOT NULL,
    pos        bigint GENERATED ALWAYS AS IDENTITY,
    keyid      text PRIMARY KEY,
    data       json NOT NULL
);

-- Whether `who` is a member of a role mapped to office `target`. SECURITY DEFINER so that
-- office roles need no access to the role map; it only answers yes or no.
CREATE FUNCTION docgen.is_office_of(target text, who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM docgen.office_roles r JOIN pg_catalog.pg_roles g ON g.rolname = r.role
                   WHERE r.office = target AND pg_catalog.pg_has_role(who, g.oid, 'MEMBER'))
$$;

-- The office's writer lock: a row lock no other office can take (it has no privilege on
-- docgen.office_locks, and this function refuses a login not mapped to the office).
CREATE FUNCTION docgen.lock_office(target text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT (docgen.is_office_of(target, session_user)
            OR pg_catalog.pg_has_role(session_user,
                   (SELECT c.relowner FROM pg_catalog.pg_class c
                    WHERE c.oid = 'docgen.office_locks'::pg_catalog.regclass), 'MEMBER')) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = format('role %s may not write the records of office %s', session_user, target),
            HINT = 'the owner of the database runs: docgen tracker grant OFFICE ROLE';
    END IF;
    INSERT INTO docgen.office_locks (office) VALUES (target) ON CONFLICT DO NOTHING;
    PERFORM 1 FROM docgen.office_locks WHERE office = target FOR UPDATE;
END
$$;

-- The privileges of an office role, table by table: what docgen needs, nothing more.
CREATE FUNCTION docgen.office_privileges() RETURNS TABLE (tab text, privs text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES ('schema_version', 'SELECT'),
           ('offices', 'SELECT, INSERT, UPDATE'),
           ('agreements', 'SELECT, INSERT, UPDATE, DELETE'),
           ('numbers', 'SELECT, INSERT, UPDATE'),
           ('letters', 'SELECT, INSERT, UPDATE'),
           ('certificates', 'SELECT, INSERT, UPDATE'),
           ('terminations', 'SELECT, INSERT, UPDATE'),
           ('builds', 'SELECT, INSERT, UPDATE, DELETE'),
           ('history', 'SELECT, INSERT'),
           ('certificate_keys', 'SELECT, INSERT')
$$;

-- Give `who` exactly the office privileges (run by the owner: `docgen tracker grant`,
-- and by later migrations for every mapped role).
CREATE FUNCTION docgen.grant_office_rights(who name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p record;
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA docgen TO %I', who);
    FOR p IN SELECT * FROM docgen.office_privileges() LOOP
        EXECUTE format('REVOKE ALL ON docgen.%I FROM %I', p.tab, who);
        EXECUTE format('GRANT %s ON docgen.%I TO %I', p.privs, p.tab, who);
    END LOOP;
    EXECUTE format('REVOKE ALL ON docgen.office_roles, docgen.office_locks FROM %I', who);
    EXECUTE format('GRANT EXECUTE ON FUNCTION docgen.lock_office(text), docgen.is_office_of(text, name) TO %I', who);
END
$$;

-- Take them all back (`docgen tracker revoke`, once the role serves no office).
CREATE FUNCTION docgen.revoke_office_rights(who name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA docgen FROM %I', who);
    EXECUTE format('REVOKE ALL ON SCHEMA docgen FROM %I', who);
END
$$;

REVOKE ALL ON FUNCTION docgen.grant_office_rights(name), docgen.revoke_office_rights(name) FROM PUBLIC;

-- Take back what earlier setups granted by hand beyond that (docs of schema 2 granted
-- INSERT, UPDATE and DELETE on every table, the role map and the schema version included,
-- and default privileges for later tables).
DO $$
DECLARE
    t record;
    g record;
    wanted text;
BEGIN
    FOR t IN SELECT c.oid, c.relname, c.relowner, c.relacl FROM pg_class c
             WHERE c.relnamespace = 'docgen'::regnamespace AND c.relkind = 'r' LOOP
        wanted := coalesce((SELECT p.privs FROM docgen.office_privileges() p WHERE p.tab = t.relname), '');
        FOR g IN SELECT DISTINCT a.grantee, a.privilege_type FROM aclexplode(t.relacl) a
                 WHERE a.grantee <> t.relowner LOOP
            IF position(g.privilege_type IN wanted) = 0 THEN
                EXECUTE format('REVOKE %s ON docgen.%I FROM %s', g.privilege_type, t.relname,
                               CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.grantee::regrole::text) END);
            END IF;
        END LOOP;
    END LOOP;
    FOR g IN SELECT DISTINCT a.grantee FROM pg_default_acl d, aclexplode(d.defaclacl) a
             WHERE d.defaclnamespace = 'docgen'::regnamespace AND d.defaclobjtype = 'r'
               AND d.defaclrole = current_user::regrole AND a.grantee <> d.defaclrole LOOP
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA docgen REVOKE ALL ON TABLES FROM %s',
                       CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.grantee::regrole::text) END);
    END LOOP;
END
$$;

-- The policies of schema 2 gave every office every row to read and every unmapped
-- office's rows to write: replaced.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['offices', 'numbers', 'letters', 'certificates', 'terminations',
                             'builds', 'history', 'agreements'] LOOP
        EXECUTE format('DROP POLICY read_all ON docgen.%I', t);
        EXECUTE format('DROP POLICY insert_own ON docgen.%I', t);
        EXECUTE format('DROP POLICY update_own ON docgen.%I', t);
        EXECUTE format('DROP POLICY delete_own ON docgen.%I', t);
    END LOOP;
END
$$;
DROP FUNCTION docgen.may_write(text);

ALTER TABLE docgen.certificate_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE docgen.office_locks ENABLE ROW LEVEL SECURITY;  -- no policy: the owner's alone

DO $$
DECLARE
    t text;
    own text := 'docgen.is_office_of(office, current_user)';
BEGIN
    FOREACH t IN ARRAY ARRAY['offices', 'numbers', 'letters', 'certificates', 'terminations',
                             'builds', 'history', 'agreements', 'certificate_keys'] LOOP
        EXECUTE format('CREATE POLICY insert_own ON docgen.%I FOR INSERT WITH CHECK (%s)', t, own);
        EXECUTE format('CREATE POLICY update_own ON docgen.%I FOR UPDATE USING (%s) WITH CHECK (%s)', t, own, own);
        EXECUTE format('CREATE POLICY delete_own ON docgen.%I FOR DELETE USING (%s)', t, own);
    END LOOP;
    -- What the national view shows is read by every office; the rest only by its own.
    FOREACH t IN ARRAY ARRAY['offices', 'agreements', 'terminations', 'certificate_keys'] LOOP
        EXECUTE format('CREATE POLICY read_shared ON docgen.%I FOR SELECT USING (true)', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['numbers', 'letters', 'certificates', 'builds'] LOOP
        EXECUTE format('CREATE POLICY read_own ON docgen.%I FOR SELECT USING (%s)', t, own);
    END LOOP;
END
$$;
-- The history of a published agreement is part of the national view; the rest is private.
CREATE POLICY read_own ON docgen.history FOR SELECT USING (
    docgen.is_office_of(office, current_user)
    OR EXISTS (SELECT 1 FROM docgen.agreements a WHERE a.office = history.office AND a.id = history.agreement)
);

-- Roles already mapped by hand (schema 2) get exactly the office privileges.
DO $$
DECLARE
    r name;
BEGIN
    FOR r IN SELECT DISTINCT o.role FROM docgen.office_roles o JOIN pg_roles g ON g.rolname = o.role LOOP
        PERFORM docgen.grant_office_rights(r);
    END LOOP;
END
$$;
