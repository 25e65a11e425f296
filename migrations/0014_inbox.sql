CREATE TABLE `inbox_items` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`thread_id` text NOT NULL,
	`comment_id` text NOT NULL,
	`kind` text NOT NULL,
	`actor_id` text,
	`excerpt` text NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "inbox_items_kind_check" CHECK("inbox_items"."kind" in ('mention', 'reply'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_items_user_comment_kind_idx` ON `inbox_items` (`user_id`,`comment_id`,`kind`);--> statement-breakpoint
CREATE INDEX `inbox_items_user_created_idx` ON `inbox_items` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `inbox_items_created_idx` ON `inbox_items` (`created_at`);