ALTER TABLE "workflow_invitations" DROP CONSTRAINT "workflow_invitations_role_check";--> statement-breakpoint
ALTER TABLE "workflow_members" DROP CONSTRAINT "workflow_members_role_check";--> statement-breakpoint
ALTER TABLE "workflow_invitations" ADD CONSTRAINT "workflow_invitations_role_check" CHECK ("workflow_invitations"."role" in ('owner', 'editor', 'commenter', 'viewer'));--> statement-breakpoint
ALTER TABLE "workflow_members" ADD CONSTRAINT "workflow_members_role_check" CHECK ("workflow_members"."role" in ('owner', 'editor', 'commenter', 'viewer'));