CREATE SEQUENCE "public"."agent_reservations" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "routers" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "teams" DROP CONSTRAINT "teams_strategy_check";--> statement-breakpoint
DROP INDEX "queue_entries_order_idx";--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "wrap_up_seconds" integer;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "max_no_answer" integer;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "reservation" bigint;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "rest_reason" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "rest_cause" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "no_answers" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "recent_calls" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "recent_talk_seconds" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "recent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "queue_entries" ADD COLUMN "priority" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "wait_message" text;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "wrap_up_seconds" integer;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "max_no_answer" integer;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "handoffs" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "handoffs_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "queue_entries_line_idx" ON "queue_entries" USING btree ("priority" DESC NULLS LAST,"enqueued_at","call_id");--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_rest_reason_check" CHECK ("agents"."rest_reason" in ('no-answer', 'busy', 'failed', 'wrap-up', 'unreachable'));--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_wrap_up_check" CHECK ("agents"."wrap_up_seconds" between 0 and 3600);--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_max_no_answer_check" CHECK ("agents"."max_no_answer" between 1 and 100);--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_wrap_up_check" CHECK ("teams"."wrap_up_seconds" between 0 and 3600);--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_max_no_answer_check" CHECK ("teams"."max_no_answer" between 1 and 100);--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_strategy_check" CHECK ("teams"."strategy" in ('simultaneous', 'sequential', 'round-robin', 'longest-idle', 'fewest-calls', 'least-talk-time', 'random'));