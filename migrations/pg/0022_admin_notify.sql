-- Taking someone's admin role away takes away their access to every workflow they are not a member of:
-- like a disabled account, it announces itself on weft_access, so every instance checks that person's
-- sockets and live feeds again (0002_access_notify.sql).
DROP TRIGGER users_access_notify ON users;
--> statement-breakpoint
CREATE TRIGGER users_access_notify AFTER UPDATE OF disabled_at, password_hash, is_admin OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION weft_notify_access();
