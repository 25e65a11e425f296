ALTER TABLE `executions` ADD `parent_execution_id` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `parent_node_id` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `root_execution_id` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `depth` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `executions` ADD `custom_data` text;--> statement-breakpoint
CREATE INDEX `executions_parent_idx` ON `executions` (`parent_execution_id`,`created_at`);