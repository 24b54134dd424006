-- 03_continuation_rate.sql - chart for sql/03: % who continued.
--
-- Draws: grouped bars, one group per first program plus '(all first
--   programs)', one bar per user type: the % of those users who went on to
--   a second program (sql/03's pct_continued).
-- Run (from the repository root, after `make`); prints one SVG document:
--   sqlite3 DB < sql/charts/03_continuation_rate.sql > continuation.svg
-- `make report` embeds it in the HTML report under sql/03's section.
.load dist/learnpath
.headers off
.mode list

WITH firsts AS (
    SELECT coalesce(segment, '(no user type)') AS user_type,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           next_program
    FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
),
grouped AS (
    SELECT user_type, first_program, next_program FROM firsts
    UNION ALL
    SELECT user_type, '(all first programs)', next_program FROM firsts
)
SELECT bar_svg(first_program, user_type, pct,
               '% of users who continued to a second program, by first program')
FROM (SELECT first_program, user_type,
             round(100.0 * count(next_program) / count(*), 1) AS pct
      FROM grouped
      GROUP BY first_program, user_type);
