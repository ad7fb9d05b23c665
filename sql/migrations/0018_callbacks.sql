CREATE TABLE "callbacks" (
	"id" text PRIMARY KEY NOT NULL,
	"call_id" text NOT NULL,
	"team" text,
	"agent" text,
	"number" text NOT NULL,
	"dialed" text NOT NULL,
	"caller" text NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"retry_seconds" integer NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"router" text,
	"agent_served" text,
	"last_cause" text,
	"ended_at" timestamp with time zone,
	"cancelled_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "callbacks_target_check" CHECK (("callbacks"."team" is null) <> ("callbacks"."agent" is null)),
	CONSTRAINT "callbacks_status_check" CHECK ("callbacks"."status" in ('waiting', 'serving', 'served', 'failed', 'cancelled')),
	CONSTRAINT "callbacks_attempts_check" CHECK ("callbacks"."max_attempts" between 1 and 20 and "callbacks"."retry_seconds" between 0 and 86400)
);
--> statement-breakpoint
ALTER TABLE "queue_entries" ADD COLUMN "callback" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "callbacks_open_idx" ON "callbacks" USING btree ("team","requested_at") WHERE "callbacks"."status" in ('waiting', 'serving');--> statement-breakpoint
-- A caller asks to be called back (lib/store/callbacks.ts): under the distributor's lock, so the per-line limit
-- holds across routers. Over the limit (p_limit, callbacks waiting or being served for that team or agent): 'full'
-- and nothing changes. Otherwise the caller's place (arrival and priority, when it waits in that same line) passes
-- to the callback, paused (waiting = false) until the router serving it asks for an agent: p_router when it
-- serves callbacks (p_hold), else nobody yet (a router that serves them adopts it).
create or replace function ivr_callback_request(
  p_id text, p_call text, p_router text, p_team text, p_agent text, p_priority int,
  p_number text, p_caller text, p_dialed text, p_fields jsonb,
  p_max_attempts int, p_retry_seconds int, p_limit int, p_hold boolean
) returns table(o_status text, o_requested_at timestamptz, o_open int)
language plpgsql as $$
declare
  v_open int;
  v_since timestamptz;
  v_priority int;
begin
  perform pg_advisory_xact_lock(7365021);
  select count(*)::int into v_open from callbacks c
  where c.team is not distinct from p_team and c.agent is not distinct from p_agent
    and c.status in ('waiting', 'serving');
  if p_limit is not null and v_open >= p_limit then
    return query select 'full'::text, null::timestamptz, v_open;
    return;
  end if;
  select q.enqueued_at, greatest(q.priority, p_priority) into v_since, v_priority from queue_entries q
  where q.call_id = p_call and q.team is not distinct from p_team and q.agent is not distinct from p_agent;
  update agents set reserved_by = null, lease_until = null, reservation = null where reserved_by = p_call;
  delete from queue_entries where call_id = p_call;
  v_since := coalesce(v_since, clock_timestamp());
  v_priority := coalesce(v_priority, p_priority);
  insert into callbacks (id, call_id, team, agent, number, dialed, caller, fields, priority, requested_at,
    max_attempts, retry_seconds, router)
  values (p_id, p_call, p_team, p_agent, p_number, p_dialed, p_caller, coalesce(p_fields, '{}'::jsonb), v_priority,
    v_since, p_max_attempts, p_retry_seconds, case when p_hold then p_router end);
  insert into queue_entries (call_id, team, agent, caller, router, priority, enqueued_at, waiting, queued, callback)
  values (p_id, p_team, p_agent, p_number, p_router, v_priority, v_since, false, true, true);
  return query select 'waiting'::text, v_since, v_open + 1;
end $$;
--> statement-breakpoint
-- A router takes the open callbacks of routers not seen for p_gone seconds (or of none), under the distributor's
-- lock so that one router takes each. A callback a gone router was serving is waiting again (its attempt counts:
-- the customer may have been called); agents reserved for it are given back. Its own callbacks marked serving
-- that it is not serving (p_serving: it restarted under the same id) are waiting again too. Rows: every open
-- callback p_router now holds, the adopted ones flagged.
create or replace function ivr_callback_adopt(p_router text, p_gone int, p_serving text[])
returns table(o_id text, o_adopted boolean)
language plpgsql as $$
declare
  v_ids text[];
begin
  perform pg_advisory_xact_lock(7365021);
  update callbacks set status = 'waiting'
  where router = p_router and status = 'serving' and not (id = any(coalesce(p_serving, '{}')));
  with taken as (
    update callbacks c set router = p_router, status = 'waiting'
    where c.status in ('waiting', 'serving') and c.router is distinct from p_router
      and not exists (select 1 from routers r where r.id = c.router
                      and r.seen_until > now() - make_interval(secs => p_gone))
    returning c.id
  )
  select coalesce(array_agg(id), '{}') into v_ids from taken;
  if cardinality(v_ids) > 0 then
    update agents set reserved_by = null, lease_until = null, reservation = null where reserved_by = any(v_ids);
    update queue_entries set router = p_router, held = false, waiting = false where call_id = any(v_ids);
  end if;
  return query select c.id, c.id = any(v_ids) from callbacks c
    where c.router = p_router and c.status in ('waiting', 'serving') order by c.requested_at, c.id;
end $$;
--> statement-breakpoint
-- The sweep of migration 0010, except that a callback's place outlives its router (another router adopts it:
-- ivr_callback_adopt) and goes when the callback has ended, whoever ended it.
create or replace function ivr_sweep(p_router text, p_alive int, p_lease int)
returns table(o_kind text, o_call text, o_agent text, o_dial text, o_reservation bigint, o_at timestamptz, o_detail text)
language plpgsql as $$
begin
  perform pg_advisory_xact_lock(7365021);
  insert into routers (id, seen_until) values (p_router, now() + make_interval(secs => p_alive))
  on conflict (id) do update set seen_until = excluded.seen_until;
  delete from queue_entries q
  where case when q.callback
    then not exists (select 1 from callbacks c where c.id = q.call_id and c.status in ('waiting', 'serving'))
    else not exists (select 1 from routers r where r.id = q.router and r.seen_until > now() - interval '1 minute') end;
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
