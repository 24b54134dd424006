-- peer_window.sql - the seed report in plain window-function SQL (the peer
-- that `make bench` times against learnpath; bench/run.sh checks that it gives
-- the same numbers as bench/learnpath_peer_form.sql, which asks learnpath).
--
-- Written as a careful analyst would, without the extension:
--   * one window pass numbers each user's enrollments with ROW_NUMBER() and
--     looks one ahead with LEAD(), over
--         PARTITION BY user_id ORDER BY enrolled_at, program
--     and keeps row 1 of each user in a temp table, so the table is read and
--     sorted once for the three answers (not once per answer);
--   * rows whose user, program or time is NULL or empty are left out
--     (learnpath rule 1);
--   * enrolled_at is ordered as text: right for the uniform
--     'YYYY-MM-DD HH:MM:SS' text of sample_enrollments (the analyst's data);
--   * a user's type is the user_type on their first row.
-- Semantics: step k = the k-th enrollment in (time, program name) order, so
-- two enrollments at the same instant are two steps and a repeat of the same
-- program is a step. learnpath's defaults differ on purpose (rule 4 groups
-- same-instant enrollments, rule 5 collapses consecutive repeats); its
-- ties = 'name', repeats = 'keep' form means exactly this, and that is the
-- form the bench compares with.
--
-- Output: '|'-separated rows, no headers, in a fixed order:
--   a|user_type|first_program|users|pct_of_type
--   b|user_type|first_program|next_program|users|pct_of_starters
--   c|user_type|first_program|users|continued|pct_continued|median_secs_to_next
-- pct values are rounded to 4 decimals from the same integer counts on both
-- sides. The median (of days from the first enrollment to the second, over
-- users who continued; mean of the two middle values for an even count) is
-- printed in seconds, rounded to 0.1 s, so the two sides cannot differ by a
-- rounding of the last bit of a double.
-- Run from the repository root:  sqlite3 DB < bench/peer_window.sql
.headers off
.mode list

CREATE TEMP TABLE firsts AS
SELECT user_id, user_type, program AS first_program, next_program,
       julianday(next_at) - julianday(enrolled_at) AS days_to_next
FROM (
    SELECT user_id, user_type, program, enrolled_at,
           row_number() OVER w AS rn,
           lead(program) OVER w AS next_program,
           lead(enrolled_at) OVER w AS next_at
    FROM enrollments
    WHERE user_id IS NOT NULL
      AND program IS NOT NULL AND program <> ''
      AND enrolled_at IS NOT NULL AND enrolled_at <> ''
    WINDOW w AS (PARTITION BY user_id ORDER BY enrolled_at, program)
)
WHERE rn = 1;

-- (a) first program by user type: share of the type's users
SELECT 'a', user_type, first_program, count(*) AS users,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY user_type), 4) AS pct_of_type
FROM firsts
GROUP BY user_type, first_program
ORDER BY user_type, first_program;

-- (b) first -> next program by user type, with '(did not continue)'
SELECT 'b', user_type, first_program, next_program, users,
       round(100.0 * users / sum(users) OVER (PARTITION BY user_type, first_program), 4)
           AS pct_of_starters
FROM (SELECT user_type, first_program,
             coalesce(next_program, '(did not continue)') AS next_program,
             count(*) AS users
      FROM firsts
      GROUP BY 1, 2, 3)
ORDER BY user_type, first_program, next_program;

-- (c) continuation rate (and median time to the next program) by first
-- program and user type
WITH totals AS (
    SELECT user_type, first_program, count(*) AS users, count(next_program) AS continued
    FROM firsts
    GROUP BY user_type, first_program
),
ranked AS (
    SELECT user_type, first_program, days_to_next,
           row_number() OVER (PARTITION BY user_type, first_program ORDER BY days_to_next) AS k,
           count(*) OVER (PARTITION BY user_type, first_program) AS n
    FROM firsts
    WHERE days_to_next IS NOT NULL
),
medians AS (
    SELECT user_type, first_program, avg(days_to_next) AS median_days
    FROM ranked
    WHERE k IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY user_type, first_program
)
SELECT 'c', t.user_type, t.first_program, t.users, t.continued,
       round(100.0 * t.continued / t.users, 4) AS pct_continued,
       round(m.median_days * 86400, 1) AS median_secs_to_next
FROM totals AS t
LEFT JOIN medians AS m USING (user_type, first_program)
ORDER BY t.user_type, t.first_program;
