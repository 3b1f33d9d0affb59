-- Every credential issued and every refusal (issue 4 §6). Never a secret or a token.
CREATE TABLE audit (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  at                  INTEGER NOT NULL,
  cluster_name        TEXT NOT NULL,
  namespace           TEXT,
  service_account     TEXT,
  pod_name            TEXT,
  pod_uid             TEXT,
  node_name           TEXT,
  association_id      TEXT,
  role_arn            TEXT,
  session_name        TEXT,
  access_key_id       TEXT,
  expires_at          INTEGER,
  outcome             TEXT NOT NULL,
  reason              TEXT,
  caller_arn          TEXT,
  upstream_request_id TEXT
);
CREATE INDEX audit_by_time ON audit(at);
CREATE INDEX audit_by_subject ON audit(namespace, service_account, at);
CREATE INDEX audit_by_role ON audit(role_arn, at);
