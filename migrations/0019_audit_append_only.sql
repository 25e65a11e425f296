-- The audit trail is append-only (docs/plans/collaboration.md §6.1): no
-- route, adapter or admin command may rewrite what happened. DELETE stays
-- open for retention; the database file is the admin's anyway.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit events are append-only');
END;
