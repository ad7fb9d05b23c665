ALTER TABLE "callbacks" ADD COLUMN "attempts_log" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- The adoption of migration 0018, which now also notes in the callback's log that the attempt a gone router was
-- making was lost with it.
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
    update callbacks c set router = p_router, status = 'waiting',
      attempts_log = case when c.status = 'serving' then c.attempts_log || jsonb_build_array(jsonb_build_object(
        'at', floor(extract(epoch from now()) * 1000)::bigint, 'router', c.router, 'outcome', 'lost'))
        else c.attempts_log end
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
