-- The step each call under way is in, and since when, for the console's live board (written in batches by the
-- router: lib/store/calls-in-progress.ts, CallSteps).
ALTER TABLE "calls_in_progress" ADD COLUMN "step" text;--> statement-breakpoint
ALTER TABLE "calls_in_progress" ADD COLUMN "step_workflow" text;--> statement-breakpoint
ALTER TABLE "calls_in_progress" ADD COLUMN "step_at" timestamp with time zone;