ALTER TABLE "node_runs" ADD COLUMN "ord" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Rows written before ord existed are numbered in the order they ran (start time; physical order breaks ties).
UPDATE "node_runs" AS n SET "ord" = o.rn
FROM (
	SELECT ctid, row_number() OVER (PARTITION BY "execution_id" ORDER BY "started_at", ctid) - 1 AS rn FROM "node_runs"
) AS o
WHERE n.ctid = o.ctid;
--> statement-breakpoint
-- The stores always write ord; no default, as in the schema.
ALTER TABLE "node_runs" ALTER COLUMN "ord" DROP DEFAULT;
