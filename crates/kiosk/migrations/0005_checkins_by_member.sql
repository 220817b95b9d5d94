-- A tap-in reads the member's newest check-in (a second check-in never starts in the same
-- second), and the pull finds the kiosk's own unsent check-in of a member by its start: both by
-- member, newest first, without scanning every check-in ever made.
CREATE INDEX checkins_by_member ON checkins (member_id, from_time);
