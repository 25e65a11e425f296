CREATE TABLE `workflow_link_joins` (
	`link_id` text NOT NULL,
	`user_id` text NOT NULL,
	`joined_at` integer NOT NULL,
	`role_granted` text NOT NULL,
	PRIMARY KEY(`link_id`, `user_id`),
	FOREIGN KEY (`link_id`) REFERENCES `workflow_links`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "workflow_link_joins_role_check" CHECK("workflow_link_joins"."role_granted" in ('editor', 'commenter', 'viewer'))
);
--> statement-breakpoint
CREATE INDEX `workflow_link_joins_user_idx` ON `workflow_link_joins` (`user_id`);--> statement-breakpoint
CREATE TABLE `workflow_links` (
	`id` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`token_sealed` blob NOT NULL,
	`role` text NOT NULL,
	`label` text,
	`expires_at` integer,
	`max_uses` integer,
	`uses` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_by` text,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`revoked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "workflow_links_role_check" CHECK("workflow_links"."role" in ('editor', 'commenter', 'viewer'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workflow_links_token_hash_unique` ON `workflow_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `workflow_links_workflow_idx` ON `workflow_links` (`workflow_id`,`created_at`);