CREATE TABLE "workflow_modes" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reason" text,
	"set_by" text,
	"set_at" bigint NOT NULL,
	"version" integer NOT NULL,
	"pen_holder" text,
	"pen_since" bigint,
	"pen_active_at" bigint,
	"pen_idle_ms" integer,
	"pen_requests" text DEFAULT '[]' NOT NULL,
	CONSTRAINT "workflow_modes_mode_check" CHECK ("workflow_modes"."mode" in ('parallel', 'locked', 'pen'))
);
--> statement-breakpoint
ALTER TABLE "workflow_modes" ADD CONSTRAINT "workflow_modes_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_modes" ADD CONSTRAINT "workflow_modes_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_modes" ADD CONSTRAINT "workflow_modes_pen_holder_users_id_fk" FOREIGN KEY ("pen_holder") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;