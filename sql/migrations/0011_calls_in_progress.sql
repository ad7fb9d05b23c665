CREATE TABLE "calls_in_progress" (
	"id" text PRIMARY KEY NOT NULL,
	"router" text NOT NULL,
	"caller" text NOT NULL,
	"caller_name" text DEFAULT '' NOT NULL,
	"dialed" text NOT NULL,
	"workflow" text NOT NULL,
	"workflow_version" integer,
	"started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calls" DROP CONSTRAINT "calls_outcome_check";--> statement-breakpoint
ALTER TABLE "inbox" DROP CONSTRAINT "inbox_reason_check";--> statement-breakpoint
CREATE INDEX "calls_in_progress_router_idx" ON "calls_in_progress" USING btree ("router");--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_outcome_check" CHECK ("calls"."outcome" in ('connected', 'abandoned', 'missed', 'voicemail', 'hangup', 'failed'));--> statement-breakpoint
ALTER TABLE "inbox" ADD CONSTRAINT "inbox_reason_check" CHECK ("inbox"."reason" in ('queue_abandoned', 'workflow_hangup', 'voicemail', 'router_lost'));