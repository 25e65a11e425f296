CREATE TABLE `workflow_edit_sessions` (
	`workflow_id` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`last_edit_at` integer NOT NULL,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `workflow_history` (
	`id` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`version_hash` text NOT NULL,
	`kind` text NOT NULL,
	`name` text,
	`created_at` integer NOT NULL,
	`created_by` text,
	`authors` text NOT NULL,
	`restored_from` text,
	`before_hash` text,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_hash`) REFERENCES `workflow_versions`(`hash`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "workflow_history_kind_check" CHECK("workflow_history"."kind" in ('auto', 'named', 'publish', 'restore')),
	CONSTRAINT "workflow_history_name_check" CHECK("workflow_history"."name" is null or length("workflow_history"."name") <= 100)
);
--> statement-breakpoint
CREATE INDEX `workflow_history_workflow_idx` ON `workflow_history` (`workflow_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `workflow_session_authors` (
	`workflow_id` text NOT NULL,
	`user_id` text NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`workflow_id`, `user_id`),
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
