-- What the kiosk sent Nexudus, by second (issue 25): a kiosk restarted (a crash loop, a power
-- cut, an update) resumes its rate limits from it instead of starting with a full burst that
-- the server has already counted. Kept a little over a day, the longest window a limit counts.
CREATE TABLE sent_requests (
    second       INTEGER PRIMARY KEY, -- Unix time, in seconds
    all_requests INTEGER NOT NULL,
    writes       INTEGER NOT NULL
);
