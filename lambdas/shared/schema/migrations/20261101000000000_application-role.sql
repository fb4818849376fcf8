-- Up Migration

-- The application's login role (APP_USERNAME in lambdas/shared/naming.ts). It is created without LOGIN and without
-- any attribute beyond the defaults; it owns nothing and gets only the grants the migrations give it. The migration
-- function enables LOGIN with the password from the tenant's credentials secret after every run (so a rotated
-- password is picked up) and refuses to do so if the role has gained any elevated attribute or membership.
-- Roles are cluster-wide: an existing role is kept, never recreated.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tenant_app') THEN
    CREATE ROLE tenant_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
END
$$;

-- No role may connect to or create temporary tables in the tenant database unless granted; the application gets
-- CONNECT only. The master user owns the database and is unaffected.
DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO tenant_app', current_database());
END
$$;

-- PostgreSQL 14 still lets every role create objects in the public schema (15 and later do not).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO tenant_app;
