-- Reports whose columns change in 0013_reports_failed (a `failed` outcome, a `router_lost` inbox reason): a
-- function's result columns cannot be replaced in place, so they and their views go first.
drop view if exists report_calls_per_day;
--> statement-breakpoint
drop function if exists report_calls_per_day(date, date, text, text, text);
--> statement-breakpoint
drop view if exists report_calls_per_hour;
--> statement-breakpoint
drop function if exists report_calls_per_hour(date, date, text, text, text);
--> statement-breakpoint
drop view if exists report_missed_by_team;
--> statement-breakpoint
drop function if exists report_missed_by_team(date, date, text, text, text);
