ALTER TABLE "teams" ADD COLUMN "announce_position_seconds" integer;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "position_message" text;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_announce_position_check" CHECK ("teams"."announce_position_seconds" between 10 and 3600);