-- Up Migration

-- The tenant data model. Timestamps are timestamptz (an instant, whatever the client's time zone). Keys are UUIDs
-- from the built-in gen_random_uuid() (PostgreSQL 13+, no extension), except the append-only audit log, whose
-- bigint identity keeps its index small and its order natural. Everything is created in schema public (the runner
-- sets search_path) and owned by the master user; the application role only gets the grants at the end.

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  password_hash text NOT NULL,
  name text,
  role text NOT NULL DEFAULT 'member',
  status text NOT NULL DEFAULT 'active',
  last_login_at timestamptz,
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_email_shape CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  CONSTRAINT users_password_hash_present CHECK (password_hash <> ''),
  CONSTRAINT users_role_valid CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  CONSTRAINT users_status_valid CHECK (status IN ('active', 'invited', 'suspended', 'deleted')),
  CONSTRAINT users_settings_object CHECK (jsonb_typeof(settings) = 'object')
);
-- One account per address whatever its case: Alice@example.com and alice@example.com are the same mailbox.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
-- Most users are active; the index serves the lookups of the few that are not (invited, suspended, deleted).
CREATE INDEX users_status_idx ON users (status) WHERE status <> 'active';
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'active',
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT projects_name_present CHECK (btrim(name) <> ''),
  CONSTRAINT projects_status_valid CHECK (status IN ('active', 'archived')),
  CONSTRAINT projects_settings_object CHECK (jsonb_typeof(settings) = 'object')
);
CREATE INDEX projects_owner_id_idx ON projects (owner_id);
CREATE INDEX projects_status_idx ON projects (status);
CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE audit_logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  action text NOT NULL,
  entity_type text,
  entity_id text,
  old_values jsonb,
  new_values jsonb,
  ip_address inet,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT audit_logs_action_present CHECK (action <> ''),
  CONSTRAINT audit_logs_entity_complete CHECK ((entity_type IS NULL) = (entity_id IS NULL))
);
CREATE INDEX audit_logs_user_id_idx ON audit_logs (user_id);
CREATE INDEX audit_logs_action_idx ON audit_logs (action);
CREATE INDEX audit_logs_created_at_idx ON audit_logs (created_at DESC);

-- What the application needs, and no more. The audit log is append-only for the application: it writes and reads
-- entries but can neither rewrite nor erase history (retention cleanup runs as the master user). Deleting a user
-- still clears audit_logs.user_id: foreign key actions run with the rights of the table's owner. No sequence
-- privilege is granted: the only sequence backs an identity column, which INSERT uses without one, and USAGE would
-- let the application burn audit ids with nextval().
GRANT SELECT, INSERT, UPDATE, DELETE ON users, projects TO tenant_app;
GRANT SELECT, INSERT ON audit_logs TO tenant_app;
