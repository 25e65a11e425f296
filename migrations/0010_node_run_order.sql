-- SQLite adds a NOT NULL column only with a default; the stores always write ord, the default only fills old rows.
ALTER TABLE `node_runs` ADD `ord` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Old rows were read back by rowid, their insertion order: it becomes their ord, so they read back as before.
UPDATE `node_runs` SET `ord` = `rowid`;
