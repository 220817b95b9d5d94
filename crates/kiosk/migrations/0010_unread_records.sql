-- Records of the account that did not read (issue 24): a field of an unexpected shape in one
-- record costs that record only, and staff are told which one. Never a value: the list, the
-- record's Id (0 where it had none readable), the field's path and the JSON kind that came.
-- A row leaves when the record reads again, or when it has not been seen for a while.
CREATE TABLE unread_records (
    list       TEXT    NOT NULL,
    record_id  INTEGER NOT NULL,
    field      TEXT    NOT NULL,
    shape      TEXT    NOT NULL,
    first_seen TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    PRIMARY KEY (list, record_id)
);
