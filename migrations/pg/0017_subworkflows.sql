ALTER TABLE "executions" ADD COLUMN "parent_execution_id" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "parent_node_id" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "root_execution_id" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "depth" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "custom_data" text;--> statement-breakpoint
CREATE INDEX "executions_parent_idx" ON "executions" USING btree ("parent_execution_id","created_at");