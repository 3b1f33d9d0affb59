-- Clusters known to this server (DESIGN.md "Clusters"): name, ARN parts, token issuer and JWKS.
CREATE TABLE clusters (
  name        TEXT PRIMARY KEY,
  arn         TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  region      TEXT NOT NULL,
  issuer      TEXT NOT NULL,
  jwks        TEXT,
  jwks_uri    TEXT,
  created_at  INTEGER NOT NULL
);

-- Pod identity associations. seq gives a stable order for pagination; the UNIQUE constraint is
-- what makes "one association per (cluster, namespace, service account)" hold under races.
CREATE TABLE associations (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  association_id       TEXT NOT NULL UNIQUE,
  cluster_name         TEXT NOT NULL REFERENCES clusters(name),
  namespace            TEXT NOT NULL,
  service_account      TEXT NOT NULL,
  role_arn             TEXT NOT NULL,
  target_role_arn      TEXT,
  external_id          TEXT,
  disable_session_tags INTEGER NOT NULL DEFAULT 0,
  policy               TEXT,
  tags                 TEXT NOT NULL DEFAULT '{}',
  owner_arn            TEXT,
  created_at           INTEGER NOT NULL,
  modified_at          INTEGER NOT NULL,
  UNIQUE (cluster_name, namespace, service_account)
);
CREATE INDEX associations_by_cluster ON associations(cluster_name, seq);

-- Idempotency of Create/Update (clientRequestToken): the first answer is replayed.
CREATE TABLE idempotency (
  cluster_name  TEXT NOT NULL,
  operation     TEXT NOT NULL,
  token         TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  response      TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (cluster_name, operation, token)
);

-- Change feed for the webhook (docs/internal-api.md).
CREATE TABLE association_changes (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  cluster_name TEXT NOT NULL,
  op           TEXT NOT NULL,
  association  TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX association_changes_by_cluster ON association_changes(cluster_name, seq);

-- Access keys the server accepts (admin, agent, and later issued temporary credentials).
-- Secrets are stored encrypted with the data dir's key, never in clear text.
CREATE TABLE access_keys (
  access_key_id   TEXT PRIMARY KEY,
  secret_enc      TEXT NOT NULL,
  kind            TEXT NOT NULL,
  principal_arn   TEXT NOT NULL,
  principal_id    TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  session_token_enc TEXT,
  session         TEXT,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER
);
