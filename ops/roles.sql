-- Least-privilege database role for the running app (等保 2.0 L3, ASVS V16: the app cannot
-- rewrite or erase the audit log; SECURITY.md D2).
--
-- The schema owner (the role that runs the migrations) runs this in the app's database, after
-- the migrations. The app does it by itself at every start when MIGRATION_DATABASE_URL is set (it
-- grants to the user of DATABASE_URL); by hand:
--
--   psql "postgres://reform_owner:…@db:5432/reform" -f ops/roles.sql
--   PGOPTIONS='-c reform.app_role=other_name' psql … -f ops/roles.sql   # another role name
--
-- Idempotent: run it again after an upgrade or a restore (restores skip privileges). It creates
-- the role (without a password) only if it is missing and the owner may create roles; normally a
-- DBA creates it once:  CREATE ROLE reform_app LOGIN PASSWORD '…';
--
-- What the role gets: SELECT, INSERT, UPDATE, DELETE on the business tables and USAGE on their
-- sequences; only SELECT and INSERT on audit_log; only SELECT on audit_chain_head (the chain
-- trigger writes it as its owner) and on TypeORM's migrations table. No TRUNCATE, no REFERENCES,
-- no TRIGGER, no CREATE in the schema or the database, and it owns nothing (so no ALTER/DROP).
-- Plain SQL (no psql meta-commands), so the app and the tests can run it through a driver too.
DO $roles$
DECLARE
  app_role text := coalesce(nullif(current_setting('reform.app_role', true), ''), 'reform_app');
  app_table text;
BEGIN
  IF app_role = current_user THEN
    RAISE EXCEPTION 'ops/roles.sql: the app role % is the role running this script (the owner)', app_role;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = app_role) THEN
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', app_role);
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = app_role AND (rolsuper OR rolbypassrls)) THEN
    RAISE EXCEPTION 'ops/roles.sql: % is a superuser or bypasses row security: not a least-privilege role', app_role;
  END IF;

  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app_role);
  EXECUTE format('REVOKE CREATE ON DATABASE %I FROM %I', current_database(), app_role);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app_role);
  EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', app_role);
  -- PostgreSQL 14 and older let everyone create in public; 15 and later already do not.
  IF pg_has_role((SELECT nspowner FROM pg_namespace WHERE nspname = 'public'), 'USAGE') THEN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  END IF;

  -- Start from nothing on every table, so rights given by hand earlier do not linger.
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', app_role);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app_role);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app_role);

  -- Append-only and owner-only tables.
  FOR app_table IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relname IN ('audit_log', 'audit_chain_head', 'migrations')
  LOOP
    EXECUTE format('REVOKE UPDATE, DELETE ON public.%I FROM %I', app_table, app_role);
    IF app_table <> 'audit_log' THEN
      EXECUTE format('REVOKE INSERT ON public.%I FROM %I', app_table, app_role);
    END IF;
  END LOOP;

  -- Tables and sequences that later migrations create (as this owner) get the business rights;
  -- the next run of this script (every start with MIGRATION_DATABASE_URL) narrows them again.
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', app_role);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', app_role);
END
$roles$;
