-- 03_continuation_rate.sql - Do users continue beyond their first program?
--
-- Question: by user type and first program, how many users went on to a
--   second program, what % is that, and how long did they take (median
--   days from the first program's start to the next one's)?
-- Expects: table enrollments(user_id, program, enrolled_at, user_type, ...),
--   one row per enrollment. To use other names, edit the arguments of
--   first_program() (table, user, program, time, user-type column).
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/03_continuation_rate.sql
-- How to read it:
--   users = users of that type who started with first_program; continued =
--   those with a second program; pct_continued = continued / users (so
--   100 - pct_continued never continued). median_days_to_next is over the
--   users who continued (empty when none did). '(all first programs)' rows
--   total each user type; the '(all user types)' row totals everyone.
--   '(several at once)' = users whose first step was two or more programs
--   at the same instant (learnpath rule 4). Consecutive repeats of one
--   program are not a continuation (rule 5, 'collapse').
.load dist/learnpath
.headers on
.mode box

WITH firsts AS (
    SELECT coalesce(segment, '(no user type)') AS user_type,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           next_program,
           days_to_next
    FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
),
-- every user three times: in their own group, their type's total, the grand total
grouped AS (
    SELECT user_type, first_program, next_program, days_to_next FROM firsts
    UNION ALL
    SELECT user_type, '(all first programs)', next_program, days_to_next FROM firsts
    UNION ALL
    SELECT '(all user types)', '(all first programs)', next_program, days_to_next FROM firsts
),
totals AS (
    SELECT user_type, first_program,
           count(*) AS users,
           count(next_program) AS continued
    FROM grouped
    GROUP BY user_type, first_program
),
-- median: the middle value, or the mean of the two middle values
ranked AS (
    SELECT user_type, first_program, days_to_next,
           row_number() OVER (PARTITION BY user_type, first_program ORDER BY days_to_next) AS k,
           count(*) OVER (PARTITION BY user_type, first_program) AS n
    FROM grouped
    WHERE days_to_next IS NOT NULL
),
medians AS (
    SELECT user_type, first_program, avg(days_to_next) AS median_days
    FROM ranked
    WHERE k IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY user_type, first_program
)
SELECT t.user_type,
       t.first_program,
       t.users,
       t.continued,
       round(100.0 * t.continued / t.users, 1) AS pct_continued,
       round(m.median_days, 1) AS median_days_to_next
FROM totals AS t
LEFT JOIN medians AS m USING (user_type, first_program)
ORDER BY t.user_type = '(all user types)', t.user_type,
         t.first_program = '(all first programs)', t.users DESC, t.first_program;
