-- report_calls_per_hour: how many calls in each hour of each day, and how each ended (calls.outcome).
-- One row per hour that had calls; hour is 0-23 of the day the call started (in the session's time zone).
-- failed: the router handling the call stopped during it (closed by another router, inbox router_lost).
create or replace function report_calls_per_hour(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone')
) returns table (
  day date,
  hour int,
  calls int,
  connected int,
  abandoned int,
  missed int,
  voicemail int,
  hangup int,
  failed int
)
language sql stable
as $$
  select (c.started_at at time zone p_tz)::date,
         extract(hour from c.started_at at time zone p_tz)::int,
         count(*)::int,
         (count(*) filter (where c.outcome = 'connected'))::int,
         (count(*) filter (where c.outcome = 'abandoned'))::int,
         (count(*) filter (where c.outcome = 'missed'))::int,
         (count(*) filter (where c.outcome = 'voicemail'))::int,
         (count(*) filter (where c.outcome = 'hangup'))::int,
         (count(*) filter (where c.outcome = 'failed'))::int
  from report_calls(p_from, p_to, p_workflow, p_team, p_tz) c
  group by 1, 2
  order by 1, 2
$$;
--> statement-breakpoint
create or replace view report_calls_per_hour as select * from report_calls_per_hour();
