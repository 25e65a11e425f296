ALTER TABLE "executions" ADD COLUMN "base_execution_id" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "destination_node_id" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "run_scope" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "fingerprints" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "pins" text;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "origin" text DEFAULT 'ran' NOT NULL;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "paired" text;--> statement-breakpoint
ALTER TABLE "node_runs" ADD CONSTRAINT "node_runs_origin_check" CHECK ("node_runs"."origin" in ('ran', 'reused', 'pinned'));