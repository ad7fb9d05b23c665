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
