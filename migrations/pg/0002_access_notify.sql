-- Every change that can take access away announces itself on the channel
-- weft_access, whoever made it: a route on any instance, the session sweep,
-- or `weft user disable` run beside the cluster. Each instance LISTENs and
-- checks its open sockets again, so access taken away on one machine closes
-- sockets on all of them. NOTIFY is delivered at COMMIT (never before the
-- change is visible), and identical payloads in one transaction arrive once.
CREATE FUNCTION weft_notify_access() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('weft_access', json_build_object('userId', OLD.id)::text);
  ELSIF TG_TABLE_NAME = 'workflow_members' THEN
    PERFORM pg_notify('weft_access', json_build_object('userId', OLD.user_id, 'workflowId', OLD.workflow_id)::text);
  ELSE
    PERFORM pg_notify('weft_access', json_build_object('userId', OLD.user_id)::text);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_access_notify AFTER UPDATE OF disabled_at, password_hash OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION weft_notify_access();
--> statement-breakpoint
CREATE TRIGGER sessions_access_notify AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION weft_notify_access();
--> statement-breakpoint
CREATE TRIGGER api_tokens_access_notify AFTER DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION weft_notify_access();
--> statement-breakpoint
CREATE TRIGGER workflow_members_access_notify AFTER UPDATE OF role OR DELETE ON workflow_members
  FOR EACH ROW EXECUTE FUNCTION weft_notify_access();
