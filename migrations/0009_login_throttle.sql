-- Sign-in throttling per subject ('email:<address>' and 'addr:<client IP>'). An attempt is reserved by one
-- upsert that refuses while the subject must wait, so concurrent guesses cannot all pass a check made
-- before any of them was counted (pentest: 20 parallel wrong passwords got 10 evaluations where 5 are free).
CREATE TABLE login_throttle (
    subject      text PRIMARY KEY CHECK (length(subject) BETWEEN 1 AND 300),
    failures     integer NOT NULL CHECK (failures >= 0),
    last_failed  timestamptz NOT NULL
);

DROP TABLE login_failures;
