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
