CREATE TABLE "job_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"execution_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"priority" integer NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "job_outbox_execution_id_unique" UNIQUE("execution_id")
);
--> statement-breakpoint
CREATE TABLE "test_webhook_listeners" (
	"method" text NOT NULL,
	"path" text NOT NULL,
	"workflow_id" text NOT NULL,
	"user_id" text NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "test_webhook_listeners_method_path_pk" PRIMARY KEY("method","path")
);
--> statement-breakpoint
CREATE TABLE "webhook_routes" (
	"method" text NOT NULL,
	"path" text NOT NULL,
	"workflow_id" text NOT NULL,
	"version_hash" text NOT NULL,
	"node_id" text NOT NULL,
	CONSTRAINT "webhook_routes_method_path_pk" PRIMARY KEY("method","path")
);
--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "instance_id" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "trigger_key" text;--> statement-breakpoint
ALTER TABLE "job_outbox" ADD CONSTRAINT "job_outbox_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "test_webhook_listeners" ADD CONSTRAINT "test_webhook_listeners_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_routes" ADD CONSTRAINT "webhook_routes_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_routes_workflow_idx" ON "webhook_routes" USING btree ("workflow_id");--> statement-breakpoint
CREATE UNIQUE INDEX "executions_trigger_key_idx" ON "executions" USING btree ("trigger_key");