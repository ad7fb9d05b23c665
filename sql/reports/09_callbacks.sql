-- report_callbacks: callbacks asked for, and what became of them, per team.
-- One row per team (null: callbacks for an agent alone) among the calls that took a callback (outcome
-- `callback`; the day is the asking call's): requested, then served (an agent and the customer talked), failed
-- (the attempts ran out: an inbox row), cancelled, open (still waiting or being served); served_pct of those
-- that ended; the time to serve (from the place the callback kept — the caller's arrival in line — to the end of
-- the served call) as p50/p90 in seconds; avg_attempts: customers called per ended callback.
create or replace function report_callbacks(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone')
) returns table (
  team text,
  requested int,
  served int,
  failed int,
  cancelled int,
  open int,
  served_pct float8,
  p50_serve_seconds float8,
  p90_serve_seconds float8,
  avg_attempts float8
)
language sql stable
as $$
  select b.team,
         count(*)::int,
         (count(*) filter (where b.status = 'served'))::int,
         (count(*) filter (where b.status = 'failed'))::int,
         (count(*) filter (where b.status = 'cancelled'))::int,
         (count(*) filter (where b.status in ('waiting', 'serving')))::int,
         round((100.0 * count(*) filter (where b.status = 'served')
           / nullif(count(*) filter (where b.status in ('served', 'failed', 'cancelled')), 0))::numeric, 1)::float8,
         round((percentile_cont(0.5) within group (order by extract(epoch from b.ended_at - b.requested_at))
           filter (where b.status = 'served'))::numeric, 1)::float8,
         round((percentile_cont(0.9) within group (order by extract(epoch from b.ended_at - b.requested_at))
           filter (where b.status = 'served'))::numeric, 1)::float8,
         round((avg(b.attempts) filter (where b.status in ('served', 'failed')))::numeric, 2)::float8
  from report_calls(p_from, p_to, p_workflow, p_team, p_tz) c
  join callbacks b on b.call_id = c.id
  where c.outcome = 'callback'
  group by b.team
  order by b.team collate "C" nulls last
$$;
--> statement-breakpoint
create or replace view report_callbacks as select * from report_callbacks();
