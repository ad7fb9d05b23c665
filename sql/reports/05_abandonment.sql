-- report_abandonment: how many callers gave up in the IVR, and how many while being connected or queued.
-- One row per day and workflow. ivr_abandoned: outcome abandoned (hung up during the workflow, no inbox
-- row); queue_abandoned: inbox reason queue_abandoned (hung up while ringing agents or waiting in the
-- queue). Percentages are of all calls that row counts; avg_ivr_seconds is how long those who left in the
-- IVR had been on the line (ended_at - started_at), avg_queue_seconds how long those who left the queue
-- had waited in it (calls.queue_seconds).
create or replace function report_abandonment(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone')
) returns table (
  day date,
  workflow text,
  calls int,
  ivr_abandoned int,
  ivr_abandoned_pct float8,
  queue_abandoned int,
  queue_abandoned_pct float8,
  avg_ivr_seconds float8,
  avg_queue_seconds float8
)
language sql stable
as $$
  select (c.started_at at time zone p_tz)::date,
         c.workflow,
         count(*)::int,
         (count(*) filter (where c.outcome = 'abandoned'))::int,
         round(100.0 * count(*) filter (where c.outcome = 'abandoned') / count(*), 1)::float8,
         (count(*) filter (where c.inbox_reason = 'queue_abandoned'))::int,
         round(100.0 * count(*) filter (where c.inbox_reason = 'queue_abandoned') / count(*), 1)::float8,
         round((avg(extract(epoch from c.ended_at - c.started_at)) filter (where c.outcome = 'abandoned'))::numeric, 1)::float8,
         round((avg(c.queue_seconds) filter (where c.inbox_reason = 'queue_abandoned'))::numeric, 1)::float8
  from report_calls(p_from, p_to, p_workflow, p_team, p_tz) c
  group by 1, 2
  order by 1, c.workflow collate "C"
$$;
--> statement-breakpoint
create or replace view report_abandonment as select * from report_abandonment();
