CREATE TABLE "doc_change_index" (
	"doc_id" text NOT NULL,
	"target" text NOT NULL,
	"user_id" text NOT NULL,
	"last_at" bigint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "doc_change_index_doc_id_target_user_id_pk" PRIMARY KEY("doc_id","target","user_id")
);
--> statement-breakpoint
ALTER TABLE "doc_change_index" ADD CONSTRAINT "doc_change_index_doc_id_workflows_id_fk" FOREIGN KEY ("doc_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doc_change_index" ADD CONSTRAINT "doc_change_index_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;