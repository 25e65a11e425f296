CREATE TABLE `workflow_modes` (
	`workflow_id` text PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`reason` text,
	`set_by` text,
	`set_at` integer NOT NULL,
	`version` integer NOT NULL,
	`pen_holder` text,
	`pen_since` integer,
	`pen_active_at` integer,
	`pen_idle_ms` integer,
	`pen_requests` text DEFAULT '[]' NOT NULL,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`set_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`pen_holder`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "workflow_modes_mode_check" CHECK("workflow_modes"."mode" in ('parallel', 'locked', 'pen'))
);
