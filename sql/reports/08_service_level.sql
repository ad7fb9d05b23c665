-- report_service_level: per team, how many offered calls an agent answered, and how many within
-- p_threshold seconds of waiting in the queue (the view: 20 s).
-- offered: calls that reached the connect phase (a `ring` event that rang or found nobody, or a `queue`
-- event); answered: outcome connected; answered_within: answered with calls.queue_seconds <= p_threshold
-- (answered without queueing counts as 0 s). answer_rate_pct = answered / offered, service_level_pct =
-- answered_within / offered, both in percent.
create or replace function report_service_level(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone'),
  p_threshold float8 default 20
) returns table (
  team text,
  offered int,
  answered int,
  answer_rate_pct float8,
  answered_within int,
  service_level_pct float8,
  threshold_seconds float8
)
language sql stable
as $$
  select c.team,
         count(*)::int,
         (count(*) filter (where c.outcome = 'connected'))::int,
         round(100.0 * count(*) filter (where c.outcome = 'connected') / count(*), 1)::float8,
         (count(*) filter (where c.outcome = 'connected' and c.queue_seconds <= p_threshold))::int,
         round(100.0 * count(*) filter (where c.outcome = 'connected' and c.queue_seconds <= p_threshold) / count(*), 1)::float8,
         p_threshold
  from report_calls(p_from, p_to, p_workflow, p_team, p_tz) c
  where exists (
    select 1 from call_events e
    where e.call_id = c.id
      and ((e.type = 'ring' and e.data->>'result' <> 'skipped') or e.type = 'queue')
  )
  group by c.team
  order by c.team collate "C" nulls last
$$;
--> statement-breakpoint
create or replace view report_service_level as select * from report_service_level();
