CREATE TABLE "audit_events" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" bigint NOT NULL,
	"action" text NOT NULL,
	"actor_id" text,
	"actor_name" text,
	"via" text NOT NULL,
	"session_ref" text,
	"address" text,
	"workflow_id" text,
	"workflow_name" text,
	"target_type" text,
	"target_id" text,
	"data" text DEFAULT '{}' NOT NULL,
	"dedupe_key" text,
	CONSTRAINT "audit_events_dedupe_key_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "audit_events_via_check" CHECK ("audit_events"."via" in ('session', 'token', 'socket', 'system', 'engine'))
);
--> statement-breakpoint
CREATE INDEX "audit_events_workflow_idx" ON "audit_events" USING btree ("workflow_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("action","seq");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");