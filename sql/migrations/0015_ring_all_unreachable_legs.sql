-- A ring-all rings every free agent of the team at once; a leg that cannot reach its agent (not registered, no
-- route) used to go unnoticed when another leg answered or rang out, and the agent was offered again at once.
-- The router now names those agents and their causes (originate_causes, per leg: lib/esl/bridge-result.ts), and
-- the release makes each of them unreachable for a while, as a ring of that agent alone would.
DROP FUNCTION ivr_route(text, text, text, text, text, text, float8, text, text, text, text, int, text[], int, int, int);
--> statement-breakpoint
DROP FUNCTION ivr_release(text, text, text, text, text, float8, text, int, int);
--> statement-breakpoint
-- Gives back the agents reserved for p_call (all but p_keep), with the effects of how their ring ended
-- (p_end): answered (p_end_agent talked p_talk seconds: counters, wrap-up, the team's hand-offs), no-answer
-- (a rest, or away after max_no_answer in a row), busy / failed (a rest), unavailable (unreachable for
-- p_unreachable seconds), unused (nothing). An agent named in p_unreached (a ring-all leg that could not reach
-- it; its cause at the same place of p_unreached_causes) is unreachable whatever the ring's end, unless it
-- answered. Rows: 'rest' (when a rest ends), 'away', 'unreachable'.
create or replace function ivr_release(
  p_call text, p_keep text, p_end text, p_end_agent text, p_cause text, p_talk float8,
  p_team text, p_retry int, p_unreachable int, p_unreached text[], p_unreached_causes text[]
) returns table(o_kind text, o_call text, o_agent text, o_dial text, o_reservation bigint, o_at timestamptz, o_detail text)
language plpgsql as $$
declare
  r record;
  v_rest int;
  v_end text;
  v_cause text;
  v_leg int;
begin
  for r in
    select a.id, a.name, a.no_answers, coalesce(a.max_no_answer, t.max_no_answer) as max_no_answer,
           coalesce(a.wrap_up_seconds, t.wrap_up_seconds, 0) as wrap_up
    from agents a left join teams t on t.name = p_team
    where a.reserved_by = p_call and (p_keep is null or a.name <> p_keep)
  loop
    v_leg := array_position(p_unreached, r.name::text);
    if v_leg is not null and not (p_end = 'answered' and r.name = p_end_agent) then
      v_end := 'unavailable';
      v_cause := p_unreached_causes[v_leg];
    else
      v_end := p_end;
      v_cause := p_cause;
    end if;
    -- One update per agent: the reservation given back together with the ring's effects.
    if v_end = 'answered' and r.name = p_end_agent then
      update agents set reserved_by = null, lease_until = null, reservation = null,
        no_answers = 0, last_call_end = now(),
        recent_calls = ivr_faded(recent_calls, recent_at, 3600) + 1,
        recent_talk_seconds = ivr_faded(recent_talk_seconds, recent_at, 3600) + coalesce(p_talk, 0),
        recent_at = now(),
        rest_until = case when r.wrap_up > 0 then now() + make_interval(secs => r.wrap_up) end,
        rest_reason = case when r.wrap_up > 0 then 'wrap-up' end,
        rest_cause = null
      where id = r.id;
      update teams set handoffs = ivr_faded(handoffs, handoffs_at, 600) + 1, handoffs_at = now() where name = p_team;
      if r.wrap_up > 0 then
        return query select 'rest'::text, null::text, r.name::text, null::text, null::bigint,
          now() + make_interval(secs => r.wrap_up), null::text;
      end if;
    elsif v_end = 'no-answer' and r.max_no_answer is not null and r.no_answers + 1 >= r.max_no_answer then
      update agents set reserved_by = null, lease_until = null, reservation = null,
        status = 'away', no_answers = 0, rest_until = null, rest_reason = null, rest_cause = null, updated_at = now()
      where id = r.id;
      perform pg_notify('ivr_router_changed', 'agents');
      return query select 'away'::text, null::text, r.name::text, null::text, null::bigint, null::timestamptz,
        (r.no_answers + 1)::text;
    elsif v_end in ('no-answer', 'busy', 'failed', 'unavailable') then
      v_rest := case when v_end = 'unavailable' then p_unreachable else p_retry end;
      update agents set reserved_by = null, lease_until = null, reservation = null,
        no_answers = case when v_end = 'no-answer' then no_answers + 1 else no_answers end,
        rest_until = case when v_rest > 0 then now() + make_interval(secs => v_rest) end,
        rest_reason = case when v_rest > 0 then (case when v_end = 'unavailable' then 'unreachable' else v_end end) end,
        rest_cause = case when v_rest > 0 then v_cause end
      where id = r.id;
      if v_end = 'unavailable' then
        return query select 'unreachable'::text, null::text, r.name::text, null::text, null::bigint,
          now() + make_interval(secs => v_rest), coalesce(v_cause, 'UNKNOWN');
      end if;
      if v_rest > 0 then
        return query select 'rest'::text, null::text, r.name::text, null::text, null::bigint,
          now() + make_interval(secs => v_rest), null::text;
      end if;
    else
      update agents set reserved_by = null, lease_until = null, reservation = null where id = r.id;
    end if;
  end loop;
  update queue_entries q set held = exists (select 1 from agents a where a.reserved_by = p_call)
  where q.call_id = p_call and q.held;
end $$;
--> statement-breakpoint
-- One operation of a caller (lib/store/ledger.ts): give back its reservations with the effects of how their
-- ring ended (p_end, unless null), then its place (p_place: 'try' or 'queue' asks for an agent for p_team or
-- p_agent with p_priority, a try giving the place up again when nothing is offered unless the caller has a place
-- in the queue (then paused);
-- 'stay'; 'leave'; 'pause'), then a dispatch. Rows: what ivr_release says, 'offer' for each agent offered (o_detail:
-- the router of the caller), 'mine' for each agent reserved for p_call afterwards, and the 'watermark'.
-- p_unreached, p_unreached_causes: the ring-all legs that could not reach their agent (ivr_release).
create or replace function ivr_route(
  p_call text, p_caller text, p_router text,
  p_end text, p_end_agent text, p_cause text, p_talk float8, p_keep text,
  p_place text, p_team text, p_agent text, p_priority int, p_exclude text[],
  p_lease int, p_retry int, p_unreachable int, p_unreached text[], p_unreached_causes text[]
) returns table(o_kind text, o_call text, o_agent text, o_dial text, o_reservation bigint, o_at timestamptz, o_detail text)
language plpgsql as $$
declare
  v_team text;
begin
  perform pg_advisory_xact_lock(7365021);
  select q.team into v_team from queue_entries q where q.call_id = p_call;
  if p_end is not null then
    return query select * from ivr_release(p_call, p_keep, p_end, p_end_agent, p_cause, p_talk, v_team, p_retry, p_unreachable,
      p_unreached, p_unreached_causes);
  end if;
  if p_place in ('leave', 'pause') then
    update agents set reserved_by = null, lease_until = null, reservation = null where reserved_by = p_call;
    if p_place = 'leave' then
      delete from queue_entries where call_id = p_call;
    else
      update queue_entries set waiting = false, held = false where call_id = p_call;
    end if;
  elsif p_place in ('try', 'queue') then
    insert into queue_entries (call_id, team, agent, caller, router, priority, waiting, queued)
    values (p_call, p_team, p_agent, coalesce(p_caller, ''), p_router, p_priority, true, p_place = 'queue')
    on conflict (call_id) do update
      set team = excluded.team, agent = excluded.agent, priority = excluded.priority, waiting = true,
        queued = queue_entries.queued or excluded.queued;
  end if;
  return query select 'offer'::text, d.o_call, d.o_agent, d.o_dial, d.o_reservation, null::timestamptz, d.o_router
    from ivr_dispatch(p_call, p_exclude, p_router, p_lease) d;
  -- A try that found nobody leaves no trace (a hunt's first try made the place: gone with it), unless the caller
  -- has a place in the queue: it is in the queue's workflow then, and keeps that place, paused.
  if p_place = 'try' and not exists (select 1 from agents a where a.reserved_by = p_call) then
    delete from queue_entries where call_id = p_call and not queued;
    update queue_entries set waiting = false where call_id = p_call;
  end if;
  return query select 'mine'::text, p_call, a.name::text, a.dial::text, a.reservation, null::timestamptz, null::text
    from agents a where a.reserved_by = p_call;
  return query select 'watermark'::text, null::text, null::text, null::text, ivr_reservation_watermark(),
    null::timestamptz, null::text;
end $$;
