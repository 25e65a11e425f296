CREATE TABLE `doc_change_index` (
	`doc_id` text NOT NULL,
	`target` text NOT NULL,
	`user_id` text NOT NULL,
	`last_at` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`doc_id`, `target`, `user_id`),
	FOREIGN KEY (`doc_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
