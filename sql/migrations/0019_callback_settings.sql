ALTER TABLE "calls" DROP CONSTRAINT "calls_outcome_check";--> statement-breakpoint
ALTER TABLE "inbox" DROP CONSTRAINT "inbox_reason_check";--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "callback_attempts" integer;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "callback_retry_seconds" integer;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "callback_max_waiting" integer;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_outcome_check" CHECK ("calls"."outcome" in ('connected', 'abandoned', 'missed', 'voicemail', 'hangup', 'callback', 'failed', 'callback_failed'));--> statement-breakpoint
ALTER TABLE "inbox" ADD CONSTRAINT "inbox_reason_check" CHECK ("inbox"."reason" in ('queue_abandoned', 'workflow_hangup', 'voicemail', 'router_lost', 'callback_failed'));--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_callback_check" CHECK ("teams"."callback_attempts" between 1 and 20 and "teams"."callback_retry_seconds" between 0 and 86400 and "teams"."callback_max_waiting" >= 1);