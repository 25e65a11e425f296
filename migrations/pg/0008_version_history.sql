CREATE TABLE "workflow_edit_sessions" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"started_at" bigint NOT NULL,
	"last_edit_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_history" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"version_hash" text NOT NULL,
	"kind" text NOT NULL,
	"name" text,
	"created_at" bigint NOT NULL,
	"created_by" text,
	"authors" text NOT NULL,
	"restored_from" text,
	"before_hash" text,
	CONSTRAINT "workflow_history_kind_check" CHECK ("workflow_history"."kind" in ('auto', 'named', 'publish', 'restore')),
	CONSTRAINT "workflow_history_name_check" CHECK ("workflow_history"."name" is null or length("workflow_history"."name") <= 100)
);
--> statement-breakpoint
CREATE TABLE "workflow_session_authors" (
	"workflow_id" text NOT NULL,
	"user_id" text NOT NULL,
	"first_at" bigint NOT NULL,
	"last_at" bigint NOT NULL,
	CONSTRAINT "workflow_session_authors_workflow_id_user_id_pk" PRIMARY KEY("workflow_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "workflow_edit_sessions" ADD CONSTRAINT "workflow_edit_sessions_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_history" ADD CONSTRAINT "workflow_history_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_history" ADD CONSTRAINT "workflow_history_version_hash_workflow_versions_hash_fk" FOREIGN KEY ("version_hash") REFERENCES "public"."workflow_versions"("hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_history" ADD CONSTRAINT "workflow_history_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_session_authors" ADD CONSTRAINT "workflow_session_authors_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_session_authors" ADD CONSTRAINT "workflow_session_authors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workflow_history_workflow_idx" ON "workflow_history" USING btree ("workflow_id","created_at","id");