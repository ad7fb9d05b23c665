-- Every new inbox row is announced on the channel ivr_router_inbox with {"id", "reason", "callId"} as JSON, so other
-- tools can react (docs/inbox.md). A trigger, so the call's single write (lib/store/records.ts) stays one statement;
-- the notice is delivered when that statement's transaction commits.
CREATE FUNCTION ivr_router_inbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ivr_router_inbox', jsonb_build_object('id', NEW.id, 'reason', NEW.reason, 'callId', NEW.call_id)::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER inbox_notify AFTER INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION ivr_router_inbox_notify();
