-- report_calls: which calls the reports count (not a view: the filter every report_* function shares).
-- Answers: the calls that started between two dates, in a workflow, for a team.
-- A call belongs to the day and hour its started_at falls in, read in time zone p_tz (default: the
-- session's TimeZone, so `SET TIME ZONE 'Asia/Seoul'` in psql decides it for the views). p_from and p_to
-- are dates in that zone, both included; p_workflow matches calls.workflow (the workflow the call started
-- in), p_team matches calls.team (the team the call was assigned to when it ended). Null: no filter.
create or replace function report_calls(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone')
) returns setof calls
language sql stable
as $$
  select * from calls c
  where (p_from is null or c.started_at >= p_from::timestamp at time zone p_tz)
    and (p_to is null or c.started_at < (p_to + 1)::timestamp at time zone p_tz)
    and (p_workflow is null or c.workflow = p_workflow)
    and (p_team is null or c.team = p_team)
$$;
--> statement-breakpoint
-- report_calls_per_day: how many calls each day, and how each ended (calls.outcome).
-- One row per day that had calls; a call counts on the day it started (in the session's time zone).
-- failed: the router handling the call stopped during it (closed by another router, inbox router_lost).
create or replace function report_calls_per_day(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone')
) returns table (
  day date,
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
         count(*)::int,
         (count(*) filter (where c.outcome = 'connected'))::int,
         (count(*) filter (where c.outcome = 'abandoned'))::int,
         (count(*) filter (where c.outcome = 'missed'))::int,
         (count(*) filter (where c.outcome = 'voicemail'))::int,
         (count(*) filter (where c.outcome = 'hangup'))::int,
         (count(*) filter (where c.outcome = 'failed'))::int
  from report_calls(p_from, p_to, p_workflow, p_team, p_tz) c
  group by 1
  order by 1
$$;
--> statement-breakpoint
create or replace view report_calls_per_day as select * from report_calls_per_day();
--> statement-breakpoint
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
--> statement-breakpoint
-- report_menu_choices: what callers pressed at each menu, per workflow and step.
-- One row per (workflow, step, choice, result) from the `menu` events: choice is the key pressed, or
-- 'no-input' when the prompt timed out; result is ok (went to a step), repeat, invalid (a key with no
-- option) or no-input. presses counts every play (a caller who timed out twice counts twice), calls the
-- calls that made that choice at least once. The workflow is the one whose step the menu is in (a queued
-- workflow's menu shows under its own name, in the calls of the workflow they started in).
create or replace function report_menu_choices(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone')
) returns table (
  workflow text,
  step text,
  choice text,
  result text,
  presses int,
  calls int
)
language sql stable
as $$
  select m.workflow, m.step, m.choice, m.result, count(*)::int, count(distinct m.call_id)::int
  from (
    select e.call_id,
           (select s.data->>'workflow' from call_events s
             where s.call_id = e.call_id and s.type = 'step' and s.seq < e.seq
             order by s.seq desc limit 1) as workflow,
           e.data->>'step' as step,
           case when e.data->>'result' = 'no-input' then 'no-input' else e.data->>'keys' end as choice,
           e.data->>'result' as result
    from report_calls(p_from, p_to, p_workflow, p_team, p_tz) c
    join call_events e on e.call_id = c.id and e.type = 'menu'
  ) m
  group by m.workflow, m.step, m.choice, m.result
  order by m.workflow collate "C", m.step collate "C", count(*) desc, m.choice collate "C", m.result collate "C"
$$;
--> statement-breakpoint
create or replace view report_menu_choices as select * from report_menu_choices();
--> statement-breakpoint
-- report_step_funnel: how many calls reached each step, and how many ended there and how.
-- From the `step` events, which are calls.steps in order with the workflow of each step (calls.steps
-- alone cannot tell a queued workflow's step from the incoming one's). reached counts calls that entered
-- the step at least once; ended_here the calls whose last step it was, split by outcome (abandoned: the
-- caller hung up in the IVR there; connected/missed/voicemail/hangup: what followed that last step).
-- Rows are in the order calls first reach the steps.
create or replace function report_step_funnel(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone')
) returns table (
  workflow text,
  step text,
  reached int,
  ended_here int,
  connected int,
  abandoned int,
  missed int,
  voicemail int,
  hangup int
)
language sql stable
as $$
  with s as (
    select c.id, c.outcome, e.data->>'workflow' as workflow, e.data->>'step' as step,
           row_number() over (partition by c.id order by e.seq) as pos,
           e.seq = max(e.seq) over (partition by c.id) as last
    from report_calls(p_from, p_to, p_workflow, p_team, p_tz) c
    join call_events e on e.call_id = c.id and e.type = 'step'
  )
  select s.workflow, s.step,
         count(distinct s.id)::int,
         (count(*) filter (where s.last))::int,
         (count(*) filter (where s.last and s.outcome = 'connected'))::int,
         (count(*) filter (where s.last and s.outcome = 'abandoned'))::int,
         (count(*) filter (where s.last and s.outcome = 'missed'))::int,
         (count(*) filter (where s.last and s.outcome = 'voicemail'))::int,
         (count(*) filter (where s.last and s.outcome = 'hangup'))::int
  from s
  group by s.workflow, s.step
  order by s.workflow collate "C", min(s.pos), s.step collate "C"
$$;
--> statement-breakpoint
create or replace view report_step_funnel as select * from report_step_funnel();
--> statement-breakpoint
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
--> statement-breakpoint
-- report_missed_by_team: the inbox (missed calls) per team, by reason, and how many are still open.
-- One row per team (null: calls that ended with no team) that has inbox rows: missed counts them all;
-- queue_abandoned (caller hung up while ringing or queued), workflow_hangup (an End call action with
-- "leave in missed-call list"), voicemail (a message was left), router_lost (the router handling the call
-- stopped during it: closed as failed by another router); open: not resolved yet (inbox.resolved_at);
-- avg_wait_seconds: how long those callers had waited in the queue (inbox.wait_seconds).
create or replace function report_missed_by_team(
  p_from date default null,
  p_to date default null,
  p_workflow text default null,
  p_team text default null,
  p_tz text default current_setting('TimeZone')
) returns table (
  team text,
  missed int,
  queue_abandoned int,
  workflow_hangup int,
  voicemail int,
  router_lost int,
  open int,
  avg_wait_seconds float8
)
language sql stable
as $$
  select c.team,
         count(*)::int,
         (count(*) filter (where i.reason = 'queue_abandoned'))::int,
         (count(*) filter (where i.reason = 'workflow_hangup'))::int,
         (count(*) filter (where i.reason = 'voicemail'))::int,
         (count(*) filter (where i.reason = 'router_lost'))::int,
         (count(*) filter (where i.resolved_at is null))::int,
         round(avg(i.wait_seconds)::numeric, 1)::float8
  from report_calls(p_from, p_to, p_workflow, p_team, p_tz) c
  join inbox i on i.call_id = c.id
  group by c.team
  order by count(*) desc, c.team collate "C" nulls last
$$;
--> statement-breakpoint
create or replace view report_missed_by_team as select * from report_missed_by_team();
--> statement-breakpoint
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
--> statement-breakpoint
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
--> statement-breakpoint
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
