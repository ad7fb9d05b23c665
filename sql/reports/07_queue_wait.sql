-- report_queue_wait: how long callers waited in each team's queue (calls.queue_seconds), as percentiles.
-- One row per team among the calls that entered a queue (a `queue` event `enter`): queued, then how many
-- of them an agent answered and how many hung up waiting (inbox reason queue_abandoned); the wait's
-- p50/p90/p99 (percentile_cont, interpolated), average and longest, in seconds over all queued calls.
-- The wait is the time in the queue only: ringing before the call entered the queue is not in it.
create or replace function report_queue_wait(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone')
) returns table (
  team text,
  queued int,
  answered int,
  abandoned int,
  p50_seconds float8,
  p90_seconds float8,
  p99_seconds float8,
  avg_seconds float8,
  max_seconds float8
)
language sql stable
as $$
  select c.team,
         count(*)::int,
         (count(*) filter (where c.outcome = 'connected'))::int,
         (count(*) filter (where c.inbox_reason = 'queue_abandoned'))::int,
         round((percentile_cont(0.5) within group (order by c.queue_seconds))::numeric, 1)::float8,
         round((percentile_cont(0.9) within group (order by c.queue_seconds))::numeric, 1)::float8,
         round((percentile_cont(0.99) within group (order by c.queue_seconds))::numeric, 1)::float8,
         round(avg(c.queue_seconds)::numeric, 1)::float8,
         round(max(c.queue_seconds)::numeric, 1)::float8
  from report_calls(p_from, p_to, p_workflow, p_team, p_tz) c
  where exists (
    select 1 from call_events e
    where e.call_id = c.id and e.type = 'queue' and e.data->>'event' = 'enter'
  )
  group by c.team
  order by c.team collate "C" nulls last
$$;
--> statement-breakpoint
create or replace view report_queue_wait as select * from report_queue_wait();
