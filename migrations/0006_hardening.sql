CREATE TABLE `credential_grants` (
	`credential_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`granted_at` integer NOT NULL,
	PRIMARY KEY(`credential_id`, `workflow_id`),
	FOREIGN KEY (`credential_id`) REFERENCES `credentials`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `credential_grants_workflow_idx` ON `credential_grants` (`workflow_id`);--> statement-breakpoint
CREATE TABLE `workflow_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`invited_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "workflow_invitations_role_check" CHECK("workflow_invitations"."role" in ('owner', 'editor', 'viewer'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workflow_invitations_workflow_email_idx` ON `workflow_invitations` (`workflow_id`,`email`);--> statement-breakpoint
CREATE INDEX `workflow_invitations_email_idx` ON `workflow_invitations` (`email`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `user_agent` text;--> statement-breakpoint
ALTER TABLE `users` ADD `disabled_at` integer;--> statement-breakpoint
-- Before grants, a credential ran wherever its owner could edit the workflow. Keep what
-- already ran that way working: grant each credential to the workflows whose saved versions
-- use it and that its owner still edits. Every later use needs its owner's own grant.
INSERT OR IGNORE INTO `credential_grants` (`credential_id`, `workflow_id`, `granted_at`)
SELECT DISTINCT c.`id`, v.`workflow_id`, unixepoch() * 1000
FROM `credentials` c
JOIN `workflow_versions` v ON instr(v.`definition`, '"' || c.`id` || '"') > 0
JOIN `workflow_members` m ON m.`workflow_id` = v.`workflow_id` AND m.`user_id` = c.`owner_id` AND m.`role` IN ('owner', 'editor');
