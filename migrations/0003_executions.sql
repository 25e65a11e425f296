CREATE TABLE `execution_logs` (
	`execution_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`level` text NOT NULL,
	`message` text NOT NULL,
	PRIMARY KEY(`execution_id`, `seq`),
	FOREIGN KEY (`execution_id`) REFERENCES `executions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `executions` (
	`id` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`version_hash` text NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`trigger_items` text,
	`start_node_id` text,
	`created_by` text,
	`retry_of` text,
	`engine_id` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_hash`) REFERENCES `workflow_versions`(`hash`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "executions_status_check" CHECK("executions"."status" in ('queued', 'running', 'succeeded', 'failed', 'canceled'))
);
--> statement-breakpoint
CREATE INDEX `executions_workflow_idx` ON `executions` (`workflow_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `executions_status_idx` ON `executions` (`status`);--> statement-breakpoint
CREATE TABLE `node_runs` (
	`execution_id` text NOT NULL,
	`node_id` text NOT NULL,
	`run_index` integer NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`input` text NOT NULL,
	`output` text NOT NULL,
	`error` text,
	`attempts` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	PRIMARY KEY(`execution_id`, `node_id`, `run_index`),
	FOREIGN KEY (`execution_id`) REFERENCES `executions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `workflow_versions` (
	`hash` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`state` blob NOT NULL,
	`definition` text NOT NULL,
	`author_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `workflow_versions_workflow_idx` ON `workflow_versions` (`workflow_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `workflows` ADD `published_hash` text;--> statement-breakpoint
ALTER TABLE `workflows` ADD `active` integer DEFAULT false NOT NULL;