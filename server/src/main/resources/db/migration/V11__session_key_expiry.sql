-- Issued role-session keys are purged some time after they expire (RoleSessions); this keeps
-- that purge from scanning every key.
CREATE INDEX access_keys_session_expiry ON access_keys(expires_at) WHERE kind = 'ROLE_SESSION';
