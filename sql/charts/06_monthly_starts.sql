-- 06_monthly_starts.sql - chart for sql/06: users starting each month.
--
-- Draws: one stacked bar per month (YYYY-MM, UTC) from the first
--   enrollment's month to the last one's, months without starts included;
--   a segment per first program, the month's total above the bar. Unlike
--   sql/06, the programs are not listed by name: every first program gets
--   its own series, and same-instant steps (learnpath rule 4) are
--   '(several at once)'.
-- Run (from the repository root, after `make`); prints one SVG document:
--   sqlite3 DB < sql/charts/06_monthly_starts.sql > monthly.svg
-- `make report` embeds it in the HTML report under sql/06's section.
.load dist/learnpath
.headers off
.mode list

WITH RECURSIVE
bounds AS (
    SELECT max(CASE WHEN finding = 'first_time' THEN value END) AS first_at,
           max(CASE WHEN finding = 'last_time' THEN value END) AS last_at
    FROM enrollment_profile('enrollments', 'user_id', 'program', 'enrolled_at')
),
months(month) AS (
    SELECT strftime('%Y-%m', first_at) FROM bounds WHERE first_at IS NOT NULL
    UNION ALL
    SELECT strftime('%Y-%m', month || '-01', '+1 month')
    FROM months, bounds
    WHERE month < strftime('%Y-%m', last_at)
),
starts AS (
    SELECT strftime('%Y-%m', started_at) AS month,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program
    FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at')
),
counts AS (
    SELECT month, first_program, count(*) AS users FROM starts GROUP BY month, first_program
),
series AS (
    SELECT DISTINCT first_program FROM starts
)
-- every month x every series, so that a month without starts still shows
SELECT bar_svg(m.month, s.first_program,
               coalesce((SELECT users FROM counts AS c
                         WHERE c.month = m.month AND c.first_program = s.first_program), 0),
               'Users starting each month, by first program', 'stacked')
FROM months AS m, series AS s;
