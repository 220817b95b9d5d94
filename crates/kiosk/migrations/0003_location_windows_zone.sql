-- Nexudus gives a location's zone as a Windows name (through SimpleTimeZoneId); the kiosk keeps
-- it beside the IANA zone it maps to, so staff see where the zone in use came from.
ALTER TABLE locations ADD COLUMN nexudus_zone TEXT;
