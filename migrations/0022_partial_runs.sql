ALTER TABLE `executions` ADD `base_execution_id` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `destination_node_id` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `run_scope` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `fingerprints` text;--> statement-breakpoint
ALTER TABLE `executions` ADD `pins` text;--> statement-breakpoint
ALTER TABLE `node_runs` ADD `origin` text DEFAULT 'ran' NOT NULL;--> statement-breakpoint
ALTER TABLE `node_runs` ADD `paired` text;