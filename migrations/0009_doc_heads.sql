CREATE TABLE `doc_heads` (
	`doc_id` text PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL
);
--> statement-breakpoint
-- Every stored document gets its head: the highest seq it holds, in its log or folded into its snapshot.
INSERT INTO `doc_heads` (`doc_id`, `last_seq`)
SELECT `doc_id`, max(`seq`) FROM (
	SELECT `doc_id`, `seq` FROM `doc_updates`
	UNION ALL
	SELECT `doc_id`, `upto_seq` AS `seq` FROM `doc_snapshots`
) GROUP BY `doc_id`;
