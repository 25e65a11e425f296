CREATE TABLE `job_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`execution_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`priority` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`execution_id`) REFERENCES `executions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_outbox_execution_id_unique` ON `job_outbox` (`execution_id`);--> statement-breakpoint
CREATE TABLE `test_webhook_listeners` (
	`method` text NOT NULL,
	`path` text NOT NULL,
	`workflow_id` text NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`method`, `path`),
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `webhook_routes` (
	`method` text NOT NULL,
	`path` text NOT NULL,
	`workflow_id` text NOT NULL,
	`version_hash` text NOT NULL,
	`node_id` text NOT NULL,
	PRIMARY KEY(`method`, `path`),
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_routes_workflow_idx` ON `webhook_routes` (`workflow_id`);--> statement-breakpoint
ALTER TABLE `executions` ADD `instance_id` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `trigger_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `executions_trigger_key_idx` ON `executions` (`trigger_key`);