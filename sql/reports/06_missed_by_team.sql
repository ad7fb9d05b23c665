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
