-- Walk-ins (issue 13): visitors registered at the kiosk. Their e-mail and company are kept only
-- until Nexudus has the record (the e-mail also finds it again after a lost answer), then
-- cleared. `approval` is the visit's HostApprovalStatus (1 not required, 2 requested,
-- 3 rejected, 4 and 5 accepted), as the server last said or the kiosk asked.
ALTER TABLE visitors ADD COLUMN walk_in      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visitors ADD COLUMN email        TEXT;
ALTER TABLE visitors ADD COLUMN company      TEXT;
ALTER TABLE visitors ADD COLUMN agreed_terms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visitors ADD COLUMN approval     INTEGER NOT NULL DEFAULT 1;
