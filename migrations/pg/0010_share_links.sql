CREATE TABLE "workflow_link_joins" (
	"link_id" text NOT NULL,
	"user_id" text NOT NULL,
	"joined_at" bigint NOT NULL,
	"role_granted" text NOT NULL,
	CONSTRAINT "workflow_link_joins_link_id_user_id_pk" PRIMARY KEY("link_id","user_id"),
	CONSTRAINT "workflow_link_joins_role_check" CHECK ("workflow_link_joins"."role_granted" in ('editor', 'commenter', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "workflow_links" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_sealed" "bytea" NOT NULL,
	"role" text NOT NULL,
	"label" text,
	"expires_at" bigint,
	"max_uses" integer,
	"uses" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint,
	"revoked_by" text,
	CONSTRAINT "workflow_links_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "workflow_links_role_check" CHECK ("workflow_links"."role" in ('editor', 'commenter', 'viewer'))
);
--> statement-breakpoint
ALTER TABLE "workflow_link_joins" ADD CONSTRAINT "workflow_link_joins_link_id_workflow_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."workflow_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_link_joins" ADD CONSTRAINT "workflow_link_joins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_links" ADD CONSTRAINT "workflow_links_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_links" ADD CONSTRAINT "workflow_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_links" ADD CONSTRAINT "workflow_links_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workflow_link_joins_user_idx" ON "workflow_link_joins" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "workflow_links_workflow_idx" ON "workflow_links" USING btree ("workflow_id","created_at");