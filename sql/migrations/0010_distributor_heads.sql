-- The dispatch reads the head of each line with one index probe instead of scanning and sorting every waiting
-- caller (a hand-off cost 3.8 ms with 450 callers in line, under the lock every router shares). queue_entries.held
-- marks callers with agents reserved; the functions below are 0008's with the flag kept (docs/routing.md).
DROP INDEX "queue_entries_line_idx";--> statement-breakpoint
ALTER TABLE "queue_entries" ADD COLUMN "held" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "queue_entries_team_line_idx" ON "queue_entries" USING btree ("team","priority" DESC NULLS LAST,"enqueued_at","call_id") WHERE "queue_entries"."waiting" and not "queue_entries"."held" and "queue_entries"."team" is not null;--> statement-breakpoint
CREATE INDEX "queue_entries_agent_line_idx" ON "queue_entries" USING btree ("agent","priority" DESC NULLS LAST,"enqueued_at","call_id") WHERE "queue_entries"."waiting" and not "queue_entries"."held" and "queue_entries"."agent" is not null;--> statement-breakpoint
UPDATE queue_entries q SET held = exists (select 1 from agents a where a.reserved_by = q.call_id);
--> statement-breakpoint
-- Gives back the agents reserved for p_call (all but p_keep), with the effects of how their ring ended
-- (p_end): answered (p_end_agent talked p_talk seconds: counters, wrap-up, the team's hand-offs), no-answer
-- (a rest, or away after max_no_answer in a row), busy / failed (a rest), unavailable (unreachable for
-- p_unreachable seconds), unused (nothing). Rows: 'rest' (when a rest ends), 'away', 'unreachable'.
create or replace function ivr_release(
  p_call text, p_keep text, p_end text, p_end_agent text, p_cause text, p_talk float8,
  p_team text, p_retry int, p_unreachable int
) returns table(o_kind text, o_call text, o_agent text, o_dial text, o_reservation bigint, o_at timestamptz, o_detail text)
language plpgsql as $$
declare
  r record;
  v_rest int;
begin
  for r in
    select a.id, a.name, a.no_answers, coalesce(a.max_no_answer, t.max_no_answer) as max_no_answer,
           coalesce(a.wrap_up_seconds, t.wrap_up_seconds, 0) as wrap_up
    from agents a left join teams t on t.name = p_team
    where a.reserved_by = p_call and (p_keep is null or a.name <> p_keep)
  loop
    -- One update per agent: the reservation given back together with the ring's effects.
    if p_end = 'answered' and r.name = p_end_agent then
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
    elsif p_end = 'no-answer' and r.max_no_answer is not null and r.no_answers + 1 >= r.max_no_answer then
      update agents set reserved_by = null, lease_until = null, reservation = null,
        status = 'away', no_answers = 0, rest_until = null, rest_reason = null, rest_cause = null, updated_at = now()
      where id = r.id;
      perform pg_notify('ivr_router_changed', 'agents');
      return query select 'away'::text, null::text, r.name::text, null::text, null::bigint, null::timestamptz,
        (r.no_answers + 1)::text;
    elsif p_end in ('no-answer', 'busy', 'failed', 'unavailable') then
      v_rest := case when p_end = 'unavailable' then p_unreachable else p_retry end;
      update agents set reserved_by = null, lease_until = null, reservation = null,
        no_answers = case when p_end = 'no-answer' then no_answers + 1 else no_answers end,
        rest_until = case when v_rest > 0 then now() + make_interval(secs => v_rest) end,
        rest_reason = case when v_rest > 0 then (case when p_end = 'unavailable' then 'unreachable' else p_end end) end,
        rest_cause = case when v_rest > 0 then p_cause end
      where id = r.id;
      if p_end = 'unavailable' then
        return query select 'unreachable'::text, null::text, r.name::text, null::text, null::bigint,
          now() + make_interval(secs => v_rest), coalesce(p_cause, 'UNKNOWN');
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
-- Offers free agents to the callers in line, best first (priority, then arrival), each the agents its team's
-- strategy picks (every free one for simultaneous), until no free agent suits anyone waiting. Callers of
-- routers that stopped beating are passed over (but p_ask, whose router is asking). p_exclude: agents not to
-- offer p_ask (its hunt rang them). Offers to other routers' callers are sent on ivr_router_offer. Reservations
-- whose lease ran out (a dead router's) are freed by the sweeps (ivr_sweep), not here: every statement here is
-- paid by every operation, under the lock.
create or replace function ivr_dispatch(p_ask text, p_exclude text[], p_router text, p_lease int)
returns table(o_call text, o_router text, o_agent text, o_dial text, o_reservation bigint)
language plpgsql as $$
declare
  e record;
  v_strategy text;
  v_cursor int;
  v_pick int[];
  v_skip text[] := '{}';
  v_free_agents text[];
  v_free_teams text[];
  v_left int := -1;
begin
  loop
    -- The free agents and their teams, read again only when an offer left some agents free.
    if v_left <> 0 then
      select coalesce(array_agg(distinct a.name), '{}'),
             coalesce(array_agg(distinct t.name) filter (where t.name is not null), '{}')
      into v_free_agents, v_free_teams
      from agents a left join agent_teams x on x.agent_id = a.id left join teams t on t.id = x.team_id
      where a.status = 'available' and a.reserved_by is null and (a.rest_until is null or a.rest_until <= now());
    end if;
    exit when v_left = 0 or cardinality(v_free_agents) = 0;
    -- The head of each line a free agent could serve, one index probe each (queue_entries_team_line_idx,
    -- queue_entries_agent_line_idx), then the best of them.
    select h.call_id, h.team, h.agent, h.router into e
    from (
      select l.* from unnest(v_free_teams) f(team)
      cross join lateral (
        select q.call_id, q.team, q.agent, q.router, q.priority, q.enqueued_at from queue_entries q
        where q.team = f.team and q.waiting and not q.held and not (q.call_id = any(v_skip))
          and (q.call_id = p_ask or exists (select 1 from routers r where r.id = q.router and r.seen_until > now()))
        order by q.priority desc nulls last, q.enqueued_at, q.call_id
        limit 1
      ) l
      union all
      (select q.call_id, q.team, q.agent, q.router, q.priority, q.enqueued_at from queue_entries q
       where q.agent = any(v_free_agents) and q.waiting and not q.held and not (q.call_id = any(v_skip))
         and (q.call_id = p_ask or exists (select 1 from routers r where r.id = q.router and r.seen_until > now()))
       order by q.priority desc nulls last, q.enqueued_at, q.call_id
       limit 1)
    ) h
    order by h.priority desc, h.enqueued_at, h.call_id
    limit 1;
    exit when not found;
    v_strategy := null;
    if e.agent is not null then
      select array_agg(a.id) into v_pick from agents a
      where a.name = e.agent and a.name = any(v_free_agents)
        and not coalesce(e.call_id = p_ask and a.name = any(p_exclude), false);
    else
      select t.strategy, t.rr_cursor into v_strategy, v_cursor from teams t where t.name = e.team;
      select array_agg(c.id order by c.rank) into v_pick
      from (
        select c.id, row_number() over (order by
            case v_strategy when 'round-robin' then (c.id <= v_cursor)::int else 0 end,
            case v_strategy when 'fewest-calls' then c.calls when 'least-talk-time' then c.talk else 0 end,
            case when v_strategy in ('longest-idle', 'fewest-calls', 'least-talk-time')
              then coalesce(extract(epoch from c.last_call_end)::float8, -1e18) else 0 end,
            case v_strategy when 'random' then random() else 0 end,
            c.id) as rank
        from (
          select a.id, a.last_call_end, ivr_faded(a.recent_calls, a.recent_at, 3600) as calls,
                 ivr_faded(a.recent_talk_seconds, a.recent_at, 3600) as talk
          from agents a join agent_teams x on x.agent_id = a.id join teams t on t.id = x.team_id
          where t.name = e.team and a.name = any(v_free_agents)
            and not coalesce(e.call_id = p_ask and a.name = any(p_exclude), false)
        ) c
      ) c
      where v_strategy = 'simultaneous' or c.rank = 1;
    end if;
    if v_pick is null or cardinality(v_pick) = 0 then
      v_skip := v_skip || e.call_id;
      continue;
    end if;
    if v_strategy = 'round-robin' then
      update teams set rr_cursor = v_pick[1] where name = e.team;
    end if;
    return query
      with reserved as (
        update agents a set reserved_by = e.call_id, lease_until = now() + make_interval(secs => p_lease),
          reservation = nextval('agent_reservations')
        where a.id = any(v_pick)
        returning a.name, a.dial, a.reservation
      ), held as (
        update queue_entries set held = true where call_id = e.call_id
      )
      select e.call_id::text, e.router::text, r.name::text, r.dial::text, r.reservation from reserved r;
    v_left := cardinality(v_free_agents) - cardinality(v_pick);
    if p_router is null or e.router <> p_router then
      perform pg_notify('ivr_router_offer', json_build_object('call', e.call_id, 'agents',
        (select json_agg(json_build_array(a.name, a.dial, a.reservation) order by a.id)
         from agents a where a.reserved_by = e.call_id))::text);
    end if;
  end loop;
end $$;
--> statement-breakpoint
-- One operation of a caller (lib/store/ledger.ts): give back its reservations with the effects of how their
-- ring ended (p_end, unless null), then its place (p_place: 'try' or 'queue' asks for an agent for p_team or
-- p_agent with p_priority, a try giving the place up again when nothing is offered unless the caller had one;
-- 'stay'; 'leave'; 'pause'), then a dispatch. Rows: what ivr_release says, 'offer' for each agent offered (o_detail:
-- the router of the caller), 'mine' for each agent reserved for p_call afterwards, and the 'watermark'.
create or replace function ivr_route(
  p_call text, p_caller text, p_router text,
  p_end text, p_end_agent text, p_cause text, p_talk float8, p_keep text,
  p_place text, p_team text, p_agent text, p_priority int, p_exclude text[],
  p_lease int, p_retry int, p_unreachable int
) returns table(o_kind text, o_call text, o_agent text, o_dial text, o_reservation bigint, o_at timestamptz, o_detail text)
language plpgsql as $$
declare
  v_existed boolean;
  v_waiting boolean;
  v_team text;
begin
  perform pg_advisory_xact_lock(7365021);
  select q.waiting, q.team into v_waiting, v_team from queue_entries q where q.call_id = p_call;
  v_existed := found;
  if p_end is not null then
    return query select * from ivr_release(p_call, p_keep, p_end, p_end_agent, p_cause, p_talk, v_team, p_retry, p_unreachable);
  end if;
  if p_place in ('leave', 'pause') then
    update agents set reserved_by = null, lease_until = null, reservation = null where reserved_by = p_call;
    if p_place = 'leave' then
      delete from queue_entries where call_id = p_call;
    else
      update queue_entries set waiting = false, held = false where call_id = p_call;
    end if;
  elsif p_place in ('try', 'queue') then
    insert into queue_entries (call_id, team, agent, caller, router, priority, waiting)
    values (p_call, p_team, p_agent, coalesce(p_caller, ''), p_router, p_priority, true)
    on conflict (call_id) do update
      set team = excluded.team, agent = excluded.agent, priority = excluded.priority, waiting = true;
  end if;
  return query select 'offer'::text, d.o_call, d.o_agent, d.o_dial, d.o_reservation, null::timestamptz, d.o_router
    from ivr_dispatch(p_call, p_exclude, p_router, p_lease) d;
  if p_place = 'try' and not exists (select 1 from agents a where a.reserved_by = p_call) then
    if v_existed then
      update queue_entries set waiting = v_waiting where call_id = p_call;
    else
      delete from queue_entries where call_id = p_call;
    end if;
  end if;
  return query select 'mine'::text, p_call, a.name::text, a.dial::text, a.reservation, null::timestamptz, null::text
    from agents a where a.reserved_by = p_call;
  return query select 'watermark'::text, null::text, null::text, null::text, ivr_reservation_watermark(),
    null::timestamptz, null::text;
end $$;
--> statement-breakpoint
-- A router's sweep, every second: it is alive for p_alive more seconds; the places of callers on routers gone
-- for a minute are removed; a dispatch offers what rests and leases that ran out allow. Rows: 'offer' as in
-- ivr_route, 'held' for every agent reserved for a caller in line on this router (notices can be lost), and
-- the 'watermark'.
create or replace function ivr_sweep(p_router text, p_alive int, p_lease int)
returns table(o_kind text, o_call text, o_agent text, o_dial text, o_reservation bigint, o_at timestamptz, o_detail text)
language plpgsql as $$
begin
  perform pg_advisory_xact_lock(7365021);
  insert into routers (id, seen_until) values (p_router, now() + make_interval(secs => p_alive))
  on conflict (id) do update set seen_until = excluded.seen_until;
  delete from queue_entries q
  where not exists (select 1 from routers r where r.id = q.router and r.seen_until > now() - interval '1 minute');
  -- Reservations whose lease ran out (a dead router's callers) are free again.
  update agents set reserved_by = null, lease_until = null, reservation = null
  where reserved_by is not null and lease_until < now();
  -- A caller whose agents went away without the ledger (an agent deleted, a lease run out) is offered again.
  update queue_entries q set held = false
  where q.held and not exists (select 1 from agents a where a.reserved_by = q.call_id);
  return query select 'offer'::text, d.o_call, d.o_agent, d.o_dial, d.o_reservation, null::timestamptz, d.o_router
    from ivr_dispatch(null, null, p_router, p_lease) d;
  return query select 'held'::text, q.call_id, a.name::text, a.dial::text, a.reservation, null::timestamptz, null::text
    from queue_entries q join agents a on a.reserved_by = q.call_id where q.router = p_router;
  return query select 'watermark'::text, null::text, null::text, null::text, ivr_reservation_watermark(),
    null::timestamptz, null::text;
end $$;
