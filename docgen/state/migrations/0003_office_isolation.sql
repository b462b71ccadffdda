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
-- * An office role has no DELETE and no table-wide UPDATE privilege (UPDATE on columns
--   only): LOCK TABLE in any mode that would hold up other offices' writers needs one.
-- * The writers of an office take a row lock on its row of docgen.office_locks through
--   docgen.lock_office, which only a login mapped to that office (or the owner) may call:
--   nobody else can hold an office's lock (an advisory lock anyone could take).
-- * Public keys of certificate signatures (docgen.certificate_keys) are read by every
--   office and never changed or removed: every office verifies every piagam.
--
-- The tables' owner (who runs `docgen tracker init` and `tracker grant`) is the
-- administrator and is not bound by the policies, except on the two tables its SECURITY
-- DEFINER functions write for an office (lock_office, unpublish): there the policies are
-- forced and ask about the session's login, so the owner acting for an office is held to
-- that office's rows.

CREATE TABLE docgen.office_locks (
    office text PRIMARY KEY
);

CREATE TABLE docgen.certificate_keys (
    office     text NOT NULL,
    pos        bigint GENERATED ALWAYS AS IDENTITY,
    keyid      text PRIMARY KEY,
    data       json NOT NULL
);

-- Whether the login of this session (session_user) may act for office `target`: it is a
-- member of a role mapped to the office, or of the schema's owner. SECURITY DEFINER so that
-- office roles need no access to the role map; it only answers yes or no. The policies ask
-- it about session_user, not current_user: inside the owner's SECURITY DEFINER functions
-- (lock_office, unpublish) the rules stay those of the office that called them.
CREATE FUNCTION docgen.may_act(target text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.pg_has_role(session_user,
               (SELECT n.nspowner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'docgen'), 'MEMBER')
        OR EXISTS (SELECT 1 FROM docgen.office_roles r JOIN pg_catalog.pg_roles g ON g.rolname = r.role
                   WHERE r.office = target AND pg_catalog.pg_has_role(session_user, g.oid, 'MEMBER'))
$$;

CREATE FUNCTION docgen.require_office(target text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT docgen.may_act(target) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = format('role %s may not write the records of office %s', session_user, target),
            HINT = 'the owner of the database runs: docgen tracker grant OFFICE ROLE';
    END IF;
END
$$;

-- The office's writer lock: a row lock no other office can take (it has no privilege on
-- docgen.office_locks, and this function refuses a login not mapped to the office).
CREATE FUNCTION docgen.lock_office(target text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM docgen.require_office(target);
    INSERT INTO docgen.office_locks (office) VALUES (target) ON CONFLICT DO NOTHING;
    PERFORM 1 FROM docgen.office_locks WHERE office = target FOR UPDATE;
END
$$;

-- Withdraw an office's published agreements except `keep`: office roles have no DELETE
-- privilege (with it they could lock whole tables against every office).
CREATE FUNCTION docgen.unpublish(target text, keep text[]) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM docgen.require_office(target);
    RETURN QUERY DELETE FROM docgen.agreements a WHERE a.office = target AND NOT a.id = ANY(keep)
                 RETURNING a.id;
END
$$;

-- The privileges of an office role, table by table: what docgen needs, nothing more.
-- UPDATE is granted on columns only and DELETE, TRUNCATE never: LOCK TABLE in a mode
-- that would hold up other offices' writers needs table-wide UPDATE, DELETE or TRUNCATE.
CREATE FUNCTION docgen.office_privileges() RETURNS TABLE (tab text, privs text)
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
           -- tables of later schemas (granted once they exist: `docgen tracker init`)
           ('journal', 'SELECT, INSERT, DELETE'),
           ('users', 'SELECT, INSERT, UPDATE (data, pos)'),
           ('verifications', 'SELECT, INSERT')
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
        CONTINUE WHEN pg_catalog.to_regclass('docgen.' || quote_ident(p.tab)) IS NULL;
        EXECUTE format('REVOKE ALL ON docgen.%I FROM %I', p.tab, who);
        EXECUTE format('GRANT %s ON docgen.%I TO %I', p.privs, p.tab, who);
    END LOOP;
    EXECUTE format('REVOKE ALL ON docgen.office_roles, docgen.office_locks FROM %I', who);
    EXECUTE format('GRANT EXECUTE ON FUNCTION docgen.lock_office(text), docgen.unpublish(text, text[]) TO %I', who);
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

REVOKE ALL ON FUNCTION docgen.grant_office_rights(name), docgen.revoke_office_rights(name),
    docgen.lock_office(text), docgen.unpublish(text, text[]) FROM PUBLIC;

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
            IF g.privilege_type NOT IN ('SELECT', 'INSERT') OR position(g.privilege_type IN wanted) = 0 THEN
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
-- Kept for the policies of later schemas written against it: the same rule as may_act.
CREATE OR REPLACE FUNCTION docgen.may_write(target text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT docgen.may_act(target)
$$;

ALTER TABLE docgen.certificate_keys ENABLE ROW LEVEL SECURITY;
-- The owner's SECURITY DEFINER functions write these two on an office's behalf: the
-- policies bind them too (FORCE), so a function can never act beyond its caller's office.
ALTER TABLE docgen.office_locks ENABLE ROW LEVEL SECURITY;
ALTER TABLE docgen.office_locks FORCE ROW LEVEL SECURITY;
ALTER TABLE docgen.agreements FORCE ROW LEVEL SECURITY;

DO $$
DECLARE
    t text;
    own text := 'docgen.may_act(office)';
BEGIN
    FOREACH t IN ARRAY ARRAY['offices', 'numbers', 'letters', 'certificates', 'terminations',
                             'builds', 'history', 'agreements', 'certificate_keys', 'office_locks'] LOOP
        EXECUTE format('CREATE POLICY insert_own ON docgen.%I FOR INSERT WITH CHECK (%s)', t, own);
        EXECUTE format('CREATE POLICY update_own ON docgen.%I FOR UPDATE USING (%s) WITH CHECK (%s)', t, own, own);
        EXECUTE format('CREATE POLICY delete_own ON docgen.%I FOR DELETE USING (%s)', t, own);
    END LOOP;
    -- What the national view shows is read by every office; the rest only by its own.
    FOREACH t IN ARRAY ARRAY['offices', 'agreements', 'terminations', 'certificate_keys'] LOOP
        EXECUTE format('CREATE POLICY read_shared ON docgen.%I FOR SELECT USING (true)', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['numbers', 'letters', 'certificates', 'builds', 'office_locks'] LOOP
        EXECUTE format('CREATE POLICY read_own ON docgen.%I FOR SELECT USING (%s)', t, own);
    END LOOP;
END
$$;
-- The history of a published agreement is part of the national view; the rest is private.
CREATE POLICY read_own ON docgen.history FOR SELECT USING (
    docgen.may_act(office)
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
