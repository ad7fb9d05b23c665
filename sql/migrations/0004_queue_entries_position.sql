CREATE TABLE "queue_entries" (
	"call_id" text PRIMARY KEY NOT NULL,
	"team" text,
	"agent" text,
	"caller" text DEFAULT '' NOT NULL,
	"enqueued_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"router" text NOT NULL,
	"waiting" boolean DEFAULT true NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	CONSTRAINT "queue_entries_target_check" CHECK (("queue_entries"."team" is null) <> ("queue_entries"."agent" is null))
);
--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "announce_position_seconds" integer;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "position_message" text;--> statement-breakpoint
CREATE INDEX "queue_entries_order_idx" ON "queue_entries" USING btree ("enqueued_at","call_id");--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_announce_position_check" CHECK ("teams"."announce_position_seconds" between 10 and 3600);