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
