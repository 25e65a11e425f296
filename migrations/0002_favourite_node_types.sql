CREATE TABLE `favourite_node_types` (
	`user_id` text NOT NULL,
	`node_type` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`user_id`, `node_type`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
