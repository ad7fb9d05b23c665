-- Releases first across routers. Each router already lets its releases go ahead of its own asks (lib/store/ledger.ts),
-- but on the database every operation of every router waited in one line for the distributor's lock: a release
-- from one router queued behind the asks of all the others (four connections each) during a surge of new callers.
-- Asks now pass a gate of their own before that lock, so a release waits behind at most one ask.
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
  -- A pure ask (nothing to give back) passes the asks' gate first: at most one ask waits for the distributor's
  -- lock, so a release from any router is behind at most one ask, not every new caller of every router.
  if p_end is null and p_place in ('try', 'queue') then
    perform pg_advisory_xact_lock(7365022);
  end if;
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
