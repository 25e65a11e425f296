CREATE TABLE "insights_daily" (
	"workflow_id" text NOT NULL,
	"day" bigint NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"duration_ms" bigint DEFAULT 0 NOT NULL,
	"minutes_saved" double precision DEFAULT 0 NOT NULL,
	"d0" integer DEFAULT 0 NOT NULL,
	"d1" integer DEFAULT 0 NOT NULL,
	"d2" integer DEFAULT 0 NOT NULL,
	"d3" integer DEFAULT 0 NOT NULL,
	"d4" integer DEFAULT 0 NOT NULL,
	"d5" integer DEFAULT 0 NOT NULL,
	"d6" integer DEFAULT 0 NOT NULL,
	"d7" integer DEFAULT 0 NOT NULL,
	"d8" integer DEFAULT 0 NOT NULL,
	"d9" integer DEFAULT 0 NOT NULL,
	"d10" integer DEFAULT 0 NOT NULL,
	"d11" integer DEFAULT 0 NOT NULL,
	"d12" integer DEFAULT 0 NOT NULL,
	"d13" integer DEFAULT 0 NOT NULL,
	"d14" integer DEFAULT 0 NOT NULL,
	"d15" integer DEFAULT 0 NOT NULL,
	"d16" integer DEFAULT 0 NOT NULL,
	"d17" integer DEFAULT 0 NOT NULL,
	"d18" integer DEFAULT 0 NOT NULL,
	"d19" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "insights_daily_workflow_id_day_mode_status_pk" PRIMARY KEY("workflow_id","day","mode","status")
);
--> statement-breakpoint
CREATE TABLE "insights_hourly" (
	"workflow_id" text NOT NULL,
	"hour" bigint NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"duration_ms" bigint DEFAULT 0 NOT NULL,
	"minutes_saved" double precision DEFAULT 0 NOT NULL,
	"d0" integer DEFAULT 0 NOT NULL,
	"d1" integer DEFAULT 0 NOT NULL,
	"d2" integer DEFAULT 0 NOT NULL,
	"d3" integer DEFAULT 0 NOT NULL,
	"d4" integer DEFAULT 0 NOT NULL,
	"d5" integer DEFAULT 0 NOT NULL,
	"d6" integer DEFAULT 0 NOT NULL,
	"d7" integer DEFAULT 0 NOT NULL,
	"d8" integer DEFAULT 0 NOT NULL,
	"d9" integer DEFAULT 0 NOT NULL,
	"d10" integer DEFAULT 0 NOT NULL,
	"d11" integer DEFAULT 0 NOT NULL,
	"d12" integer DEFAULT 0 NOT NULL,
	"d13" integer DEFAULT 0 NOT NULL,
	"d14" integer DEFAULT 0 NOT NULL,
	"d15" integer DEFAULT 0 NOT NULL,
	"d16" integer DEFAULT 0 NOT NULL,
	"d17" integer DEFAULT 0 NOT NULL,
	"d18" integer DEFAULT 0 NOT NULL,
	"d19" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "insights_hourly_workflow_id_hour_mode_status_pk" PRIMARY KEY("workflow_id","hour","mode","status")
);
--> statement-breakpoint
CREATE TABLE "insights_node_failures_daily" (
	"workflow_id" text NOT NULL,
	"day" bigint NOT NULL,
	"node_id" text NOT NULL,
	"node_name" text NOT NULL,
	"node_type" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "insights_node_failures_daily_workflow_id_day_node_id_pk" PRIMARY KEY("workflow_id","day","node_id")
);
--> statement-breakpoint
CREATE TABLE "insights_node_failures_hourly" (
	"workflow_id" text NOT NULL,
	"hour" bigint NOT NULL,
	"node_id" text NOT NULL,
	"node_name" text NOT NULL,
	"node_type" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "insights_node_failures_hourly_workflow_id_hour_node_id_pk" PRIMARY KEY("workflow_id","hour","node_id")
);
--> statement-breakpoint
CREATE TABLE "insights_webhook_daily" (
	"workflow_id" text NOT NULL,
	"day" bigint NOT NULL,
	"responses" integer DEFAULT 0 NOT NULL,
	"latency_ms" bigint DEFAULT 0 NOT NULL,
	"l0" integer DEFAULT 0 NOT NULL,
	"l1" integer DEFAULT 0 NOT NULL,
	"l2" integer DEFAULT 0 NOT NULL,
	"l3" integer DEFAULT 0 NOT NULL,
	"l4" integer DEFAULT 0 NOT NULL,
	"l5" integer DEFAULT 0 NOT NULL,
	"l6" integer DEFAULT 0 NOT NULL,
	"l7" integer DEFAULT 0 NOT NULL,
	"l8" integer DEFAULT 0 NOT NULL,
	"l9" integer DEFAULT 0 NOT NULL,
	"l10" integer DEFAULT 0 NOT NULL,
	"l11" integer DEFAULT 0 NOT NULL,
	"l12" integer DEFAULT 0 NOT NULL,
	"l13" integer DEFAULT 0 NOT NULL,
	"l14" integer DEFAULT 0 NOT NULL,
	"l15" integer DEFAULT 0 NOT NULL,
	"l16" integer DEFAULT 0 NOT NULL,
	"l17" integer DEFAULT 0 NOT NULL,
	"l18" integer DEFAULT 0 NOT NULL,
	"l19" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "insights_webhook_daily_workflow_id_day_pk" PRIMARY KEY("workflow_id","day")
);
--> statement-breakpoint
CREATE TABLE "insights_webhook_hourly" (
	"workflow_id" text NOT NULL,
	"hour" bigint NOT NULL,
	"responses" integer DEFAULT 0 NOT NULL,
	"latency_ms" bigint DEFAULT 0 NOT NULL,
	"l0" integer DEFAULT 0 NOT NULL,
	"l1" integer DEFAULT 0 NOT NULL,
	"l2" integer DEFAULT 0 NOT NULL,
	"l3" integer DEFAULT 0 NOT NULL,
	"l4" integer DEFAULT 0 NOT NULL,
	"l5" integer DEFAULT 0 NOT NULL,
	"l6" integer DEFAULT 0 NOT NULL,
	"l7" integer DEFAULT 0 NOT NULL,
	"l8" integer DEFAULT 0 NOT NULL,
	"l9" integer DEFAULT 0 NOT NULL,
	"l10" integer DEFAULT 0 NOT NULL,
	"l11" integer DEFAULT 0 NOT NULL,
	"l12" integer DEFAULT 0 NOT NULL,
	"l13" integer DEFAULT 0 NOT NULL,
	"l14" integer DEFAULT 0 NOT NULL,
	"l15" integer DEFAULT 0 NOT NULL,
	"l16" integer DEFAULT 0 NOT NULL,
	"l17" integer DEFAULT 0 NOT NULL,
	"l18" integer DEFAULT 0 NOT NULL,
	"l19" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "insights_webhook_hourly_workflow_id_hour_pk" PRIMARY KEY("workflow_id","hour")
);
--> statement-breakpoint
ALTER TABLE "insights_daily" ADD CONSTRAINT "insights_daily_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_hourly" ADD CONSTRAINT "insights_hourly_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_node_failures_daily" ADD CONSTRAINT "insights_node_failures_daily_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_node_failures_hourly" ADD CONSTRAINT "insights_node_failures_hourly_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_webhook_daily" ADD CONSTRAINT "insights_webhook_daily_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_webhook_hourly" ADD CONSTRAINT "insights_webhook_hourly_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "insights_daily_day_idx" ON "insights_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "insights_hourly_hour_idx" ON "insights_hourly" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "insights_node_failures_daily_day_idx" ON "insights_node_failures_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "insights_node_failures_hourly_hour_idx" ON "insights_node_failures_hourly" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "insights_webhook_daily_day_idx" ON "insights_webhook_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "insights_webhook_hourly_hour_idx" ON "insights_webhook_hourly" USING btree ("hour");--> statement-breakpoint
-- Backfill: every run finished before this migration, as the finish transaction adds them from now on.
insert into insights_hourly (workflow_id, hour, mode, status, runs, duration_ms, minutes_saved, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, d12, d13, d14, d15, d16, d17, d18, d19)
select workflow_id, at, mode, status, count(*), sum(duration), sum(minutes), sum(case when b = 0 then 1 else 0 end), sum(case when b = 1 then 1 else 0 end), sum(case when b = 2 then 1 else 0 end), sum(case when b = 3 then 1 else 0 end), sum(case when b = 4 then 1 else 0 end), sum(case when b = 5 then 1 else 0 end), sum(case when b = 6 then 1 else 0 end), sum(case when b = 7 then 1 else 0 end), sum(case when b = 8 then 1 else 0 end), sum(case when b = 9 then 1 else 0 end), sum(case when b = 10 then 1 else 0 end), sum(case when b = 11 then 1 else 0 end), sum(case when b = 12 then 1 else 0 end), sum(case when b = 13 then 1 else 0 end), sum(case when b = 14 then 1 else 0 end), sum(case when b = 15 then 1 else 0 end), sum(case when b = 16 then 1 else 0 end), sum(case when b = 17 then 1 else 0 end), sum(case when b = 18 then 1 else 0 end), sum(case when b = 19 then 1 else 0 end)
from (
  select e.workflow_id, e.finished_at - (e.finished_at % 3600000) as at, e.mode, e.status,
    case when e.started_at is null or e.finished_at < e.started_at then 0 else e.finished_at - e.started_at end as duration,
    case when e.started_at is null then -1 else case when e.finished_at - e.started_at < 5 then 0 when e.finished_at - e.started_at < 10 then 1 when e.finished_at - e.started_at < 20 then 2 when e.finished_at - e.started_at < 50 then 3 when e.finished_at - e.started_at < 100 then 4 when e.finished_at - e.started_at < 200 then 5 when e.finished_at - e.started_at < 500 then 6 when e.finished_at - e.started_at < 1000 then 7 when e.finished_at - e.started_at < 2000 then 8 when e.finished_at - e.started_at < 5000 then 9 when e.finished_at - e.started_at < 10000 then 10 when e.finished_at - e.started_at < 20000 then 11 when e.finished_at - e.started_at < 50000 then 12 when e.finished_at - e.started_at < 100000 then 13 when e.finished_at - e.started_at < 200000 then 14 when e.finished_at - e.started_at < 500000 then 15 when e.finished_at - e.started_at < 1000000 then 16 when e.finished_at - e.started_at < 2000000 then 17 when e.finished_at - e.started_at < 5000000 then 18 else 19 end end as b,
    case when e.mode in ('webhook', 'schedule', 'error', 'subworkflow') then case when json_typeof(v.definition::json #> '{settings,minutesSavedPerRun}') = 'number'
        then (v.definition::json #>> '{settings,minutesSavedPerRun}')::double precision else 0 end else 0 end as minutes
  from executions e join workflow_versions v on v.hash = e.version_hash
  where e.finished_at is not null and e.status in ('succeeded', 'failed', 'canceled') and (true)
) x
group by workflow_id, at, mode, status
on conflict (workflow_id, hour, mode, status) do update set
  runs = insights_hourly.runs + excluded.runs,
  duration_ms = insights_hourly.duration_ms + excluded.duration_ms,
  minutes_saved = insights_hourly.minutes_saved + excluded.minutes_saved,
  d0 = insights_hourly.d0 + excluded.d0,
  d1 = insights_hourly.d1 + excluded.d1,
  d2 = insights_hourly.d2 + excluded.d2,
  d3 = insights_hourly.d3 + excluded.d3,
  d4 = insights_hourly.d4 + excluded.d4,
  d5 = insights_hourly.d5 + excluded.d5,
  d6 = insights_hourly.d6 + excluded.d6,
  d7 = insights_hourly.d7 + excluded.d7,
  d8 = insights_hourly.d8 + excluded.d8,
  d9 = insights_hourly.d9 + excluded.d9,
  d10 = insights_hourly.d10 + excluded.d10,
  d11 = insights_hourly.d11 + excluded.d11,
  d12 = insights_hourly.d12 + excluded.d12,
  d13 = insights_hourly.d13 + excluded.d13,
  d14 = insights_hourly.d14 + excluded.d14,
  d15 = insights_hourly.d15 + excluded.d15,
  d16 = insights_hourly.d16 + excluded.d16,
  d17 = insights_hourly.d17 + excluded.d17,
  d18 = insights_hourly.d18 + excluded.d18,
  d19 = insights_hourly.d19 + excluded.d19;--> statement-breakpoint
insert into insights_node_failures_hourly (workflow_id, hour, node_id, node_name, node_type, failures)
select e.workflow_id, e.finished_at - (e.finished_at % 3600000), nr.node_id, max(nr.name),
  max(coalesce((select n ->> 'type' from json_array_elements(v.definition::json -> 'nodes') n
        where n ->> 'id' = nr.node_id limit 1), '')), count(distinct e.id)
from executions e join node_runs nr on nr.execution_id = e.id join workflow_versions v on v.hash = e.version_hash
where e.finished_at is not null and nr.status = 'failed' and nr.origin = 'ran' and (true)
group by e.workflow_id, e.finished_at - (e.finished_at % 3600000), nr.node_id
on conflict (workflow_id, hour, node_id) do update set
  failures = insights_node_failures_hourly.failures + excluded.failures,
  node_name = excluded.node_name,
  node_type = excluded.node_type;--> statement-breakpoint
insert into insights_daily (workflow_id, day, mode, status, runs, duration_ms, minutes_saved, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, d12, d13, d14, d15, d16, d17, d18, d19)
select workflow_id, at, mode, status, count(*), sum(duration), sum(minutes), sum(case when b = 0 then 1 else 0 end), sum(case when b = 1 then 1 else 0 end), sum(case when b = 2 then 1 else 0 end), sum(case when b = 3 then 1 else 0 end), sum(case when b = 4 then 1 else 0 end), sum(case when b = 5 then 1 else 0 end), sum(case when b = 6 then 1 else 0 end), sum(case when b = 7 then 1 else 0 end), sum(case when b = 8 then 1 else 0 end), sum(case when b = 9 then 1 else 0 end), sum(case when b = 10 then 1 else 0 end), sum(case when b = 11 then 1 else 0 end), sum(case when b = 12 then 1 else 0 end), sum(case when b = 13 then 1 else 0 end), sum(case when b = 14 then 1 else 0 end), sum(case when b = 15 then 1 else 0 end), sum(case when b = 16 then 1 else 0 end), sum(case when b = 17 then 1 else 0 end), sum(case when b = 18 then 1 else 0 end), sum(case when b = 19 then 1 else 0 end)
from (
  select e.workflow_id, e.finished_at - (e.finished_at % 86400000) as at, e.mode, e.status,
    case when e.started_at is null or e.finished_at < e.started_at then 0 else e.finished_at - e.started_at end as duration,
    case when e.started_at is null then -1 else case when e.finished_at - e.started_at < 5 then 0 when e.finished_at - e.started_at < 10 then 1 when e.finished_at - e.started_at < 20 then 2 when e.finished_at - e.started_at < 50 then 3 when e.finished_at - e.started_at < 100 then 4 when e.finished_at - e.started_at < 200 then 5 when e.finished_at - e.started_at < 500 then 6 when e.finished_at - e.started_at < 1000 then 7 when e.finished_at - e.started_at < 2000 then 8 when e.finished_at - e.started_at < 5000 then 9 when e.finished_at - e.started_at < 10000 then 10 when e.finished_at - e.started_at < 20000 then 11 when e.finished_at - e.started_at < 50000 then 12 when e.finished_at - e.started_at < 100000 then 13 when e.finished_at - e.started_at < 200000 then 14 when e.finished_at - e.started_at < 500000 then 15 when e.finished_at - e.started_at < 1000000 then 16 when e.finished_at - e.started_at < 2000000 then 17 when e.finished_at - e.started_at < 5000000 then 18 else 19 end end as b,
    case when e.mode in ('webhook', 'schedule', 'error', 'subworkflow') then case when json_typeof(v.definition::json #> '{settings,minutesSavedPerRun}') = 'number'
        then (v.definition::json #>> '{settings,minutesSavedPerRun}')::double precision else 0 end else 0 end as minutes
  from executions e join workflow_versions v on v.hash = e.version_hash
  where e.finished_at is not null and e.status in ('succeeded', 'failed', 'canceled') and (true)
) x
group by workflow_id, at, mode, status
on conflict (workflow_id, day, mode, status) do update set
  runs = insights_daily.runs + excluded.runs,
  duration_ms = insights_daily.duration_ms + excluded.duration_ms,
  minutes_saved = insights_daily.minutes_saved + excluded.minutes_saved,
  d0 = insights_daily.d0 + excluded.d0,
  d1 = insights_daily.d1 + excluded.d1,
  d2 = insights_daily.d2 + excluded.d2,
  d3 = insights_daily.d3 + excluded.d3,
  d4 = insights_daily.d4 + excluded.d4,
  d5 = insights_daily.d5 + excluded.d5,
  d6 = insights_daily.d6 + excluded.d6,
  d7 = insights_daily.d7 + excluded.d7,
  d8 = insights_daily.d8 + excluded.d8,
  d9 = insights_daily.d9 + excluded.d9,
  d10 = insights_daily.d10 + excluded.d10,
  d11 = insights_daily.d11 + excluded.d11,
  d12 = insights_daily.d12 + excluded.d12,
  d13 = insights_daily.d13 + excluded.d13,
  d14 = insights_daily.d14 + excluded.d14,
  d15 = insights_daily.d15 + excluded.d15,
  d16 = insights_daily.d16 + excluded.d16,
  d17 = insights_daily.d17 + excluded.d17,
  d18 = insights_daily.d18 + excluded.d18,
  d19 = insights_daily.d19 + excluded.d19;--> statement-breakpoint
insert into insights_node_failures_daily (workflow_id, day, node_id, node_name, node_type, failures)
select e.workflow_id, e.finished_at - (e.finished_at % 86400000), nr.node_id, max(nr.name),
  max(coalesce((select n ->> 'type' from json_array_elements(v.definition::json -> 'nodes') n
        where n ->> 'id' = nr.node_id limit 1), '')), count(distinct e.id)
from executions e join node_runs nr on nr.execution_id = e.id join workflow_versions v on v.hash = e.version_hash
where e.finished_at is not null and nr.status = 'failed' and nr.origin = 'ran' and (true)
group by e.workflow_id, e.finished_at - (e.finished_at % 86400000), nr.node_id
on conflict (workflow_id, day, node_id) do update set
  failures = insights_node_failures_daily.failures + excluded.failures,
  node_name = excluded.node_name,
  node_type = excluded.node_type;
