-- The builtin issuer's IAM roles (issue 3 §2). IAM role names are unique regardless of case
-- ("you cannot create roles named both PRODROLE and prodrole"), hence name_key = lower(name).
CREATE TABLE iam_roles (
  name_key             TEXT PRIMARY KEY,
  role_name            TEXT NOT NULL,
  role_id              TEXT NOT NULL UNIQUE,
  path                 TEXT NOT NULL,
  arn                  TEXT NOT NULL,
  trust_policy         TEXT NOT NULL,
  description          TEXT,
  max_session_duration INTEGER NOT NULL,
  created_at           INTEGER NOT NULL
);

-- Inline permission policies, kept as the exact text the caller sent (GetRolePolicy returns it).
CREATE TABLE iam_role_policies (
  role_id      TEXT NOT NULL REFERENCES iam_roles(role_id) ON DELETE CASCADE,
  policy_name  TEXT NOT NULL,
  document     TEXT NOT NULL,
  PRIMARY KEY (role_id, policy_name)
);

-- Role tags; keys are unique regardless of case, the first spelling is kept, seq keeps order.
CREATE TABLE iam_role_tags (
  role_id    TEXT NOT NULL REFERENCES iam_roles(role_id) ON DELETE CASCADE,
  key_lc     TEXT NOT NULL,
  tag_key    TEXT NOT NULL,
  tag_value  TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (role_id, key_lc)
);
