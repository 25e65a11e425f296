CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`action` text NOT NULL,
	`actor_id` text,
	`actor_name` text,
	`via` text NOT NULL,
	`session_ref` text,
	`address` text,
	`workflow_id` text,
	`workflow_name` text,
	`target_type` text,
	`target_id` text,
	`data` text DEFAULT '{}' NOT NULL,
	`dedupe_key` text,
	CONSTRAINT "audit_events_via_check" CHECK("audit_events"."via" in ('session', 'token', 'socket', 'system', 'engine'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_dedupe_key_unique` ON `audit_events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `audit_events_workflow_idx` ON `audit_events` (`workflow_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_idx` ON `audit_events` (`actor_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_action_idx` ON `audit_events` (`action`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_at_idx` ON `audit_events` (`at`);