PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_workflow_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`invited_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "workflow_invitations_role_check" CHECK("__new_workflow_invitations"."role" in ('owner', 'editor', 'commenter', 'viewer'))
);
--> statement-breakpoint
INSERT INTO `__new_workflow_invitations`("id", "workflow_id", "email", "role", "invited_by", "created_at") SELECT "id", "workflow_id", "email", "role", "invited_by", "created_at" FROM `workflow_invitations`;--> statement-breakpoint
DROP TABLE `workflow_invitations`;--> statement-breakpoint
ALTER TABLE `__new_workflow_invitations` RENAME TO `workflow_invitations`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `workflow_invitations_workflow_email_idx` ON `workflow_invitations` (`workflow_id`,`email`);--> statement-breakpoint
CREATE INDEX `workflow_invitations_email_idx` ON `workflow_invitations` (`email`);--> statement-breakpoint
CREATE TABLE `__new_workflow_members` (
	`workflow_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`workflow_id`, `user_id`),
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "workflow_members_role_check" CHECK("__new_workflow_members"."role" in ('owner', 'editor', 'commenter', 'viewer'))
);
--> statement-breakpoint
INSERT INTO `__new_workflow_members`("workflow_id", "user_id", "role", "added_at") SELECT "workflow_id", "user_id", "role", "added_at" FROM `workflow_members`;--> statement-breakpoint
DROP TABLE `workflow_members`;--> statement-breakpoint
ALTER TABLE `__new_workflow_members` RENAME TO `workflow_members`;--> statement-breakpoint
CREATE INDEX `workflow_members_user_idx` ON `workflow_members` (`user_id`);