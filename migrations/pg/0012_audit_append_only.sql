-- The audit trail is append-only (docs/plans/collaboration.md §6.1). UPDATE
-- always fails. DELETE fails too, unless the transaction is the retention
-- prune, which sets weft.audit_prune with set_config(…, true): local to its
-- transaction, so it cannot leak into a pooled connection's next use.
CREATE FUNCTION weft_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('weft.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION weft_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION weft_audit_append_only();
