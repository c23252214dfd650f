-- The two database roles of one HVT or CRT database (docs/OPERATIONS.md, "Database roles").
--
--   owner: owns the schema and every table; only the migrate job connects with it. Not a
--          superuser.
--   app:   what web, worker and beat connect with (DATABASE_URL / CRT_DATABASE_URL): reads and
--          writes rows, owns nothing, so it can neither change the structure nor disable a
--          trigger; on the audit tables it may only SELECT and INSERT.
--
-- Run it as a superuser in the application's database; it is idempotent (run it again after a
-- password change or to repair grants). docker-compose runs it at the database's first start
-- (deploy/postgres/init-roles.sh). By hand:
--   psql -v owner=hvt_owner -v owner_password=... -v app=hvt -v app_password=... -d hvt -f roles.sql
-- Only psql variables (:'name') are used, no psql meta-commands, so tests can run the same text.

-- (wrapped so that the passwords are not echoed into a log)
SELECT 1 AS settings_loaded FROM (
  SELECT set_config('hvt_roles.owner', :'owner', false),
         set_config('hvt_roles.owner_password', :'owner_password', false),
         set_config('hvt_roles.app', :'app', false),
         set_config('hvt_roles.app_password', :'app_password', false)
) AS settings;

DO $$
DECLARE
  owner_role text := current_setting('hvt_roles.owner');
  app_role text := current_setting('hvt_roles.app');
  audit_table text;
BEGIN
  IF owner_role = app_role THEN
    RAISE EXCEPTION 'the owner and the application need two different roles';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = owner_role) THEN
    EXECUTE format('CREATE ROLE %I', owner_role);
  END IF;
  EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
                 owner_role, current_setting('hvt_roles.owner_password'));
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = app_role) THEN
    EXECUTE format('CREATE ROLE %I', app_role);
  END IF;
  EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD %L',
                 app_role, current_setting('hvt_roles.app_password'));

  -- The owner owns the database, the schema and (through the migrations) every table.
  EXECUTE format('ALTER DATABASE %I OWNER TO %I', current_database(), owner_role);
  EXECUTE format('ALTER SCHEMA public OWNER TO %I', owner_role);
  EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA public TO %I', owner_role);  -- its own, in full
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE 'REVOKE ALL ON SCHEMA public FROM PUBLIC';

  -- The application: connect, use the schema, read and write rows of what exists and of every
  -- table the owner creates later. No CREATE, TEMPORARY, TRUNCATE, TRIGGER or REFERENCES.
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app_role);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app_role);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app_role);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app_role);
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
                 owner_role, app_role);
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I',
                 owner_role, app_role);

  -- The audit trails are append-only: SELECT and INSERT only (the migrations that create them
  -- revoke the rest as well; this repeats it when the script runs on an existing database).
  -- (Not while the application role still owns the table — an installation being upgraded,
  -- docs/OPERATIONS.md: that would take the rights from the owner; run the script again after
  -- REASSIGN OWNED.)
  FOREACH audit_table IN ARRAY ARRAY['audit_auditevent', 'crt_auditevent', 'crt_auditeventperson'] LOOP
    IF to_regclass(audit_table) IS NOT NULL
       AND (SELECT relowner FROM pg_class WHERE oid = to_regclass(audit_table)) <> app_role::regrole THEN
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER ON %I FROM %I', audit_table, app_role);
    END IF;
  END LOOP;
END
$$;

-- Forget the passwords held in this session's settings.
SELECT 1 AS passwords_forgotten FROM (
  SELECT set_config('hvt_roles.owner_password', '', false), set_config('hvt_roles.app_password', '', false)
) AS settings;
