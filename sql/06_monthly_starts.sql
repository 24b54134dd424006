-- 06_monthly_starts.sql - How many users start each month, and with what?
--
-- Question: for each month of the data, how many users had their first
--   enrollment that month, by first program?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment. The columns come from the data: whatever the programs
--   are called, the six most common first programs get a column each.
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/06_monthly_starts.sql
-- How to read it:
--   Table 1 names the columns of table 2: #1 to #6 are the six first
--   programs with the most users over the whole data, most first (a tie
--   goes to the first name); '(other)' is every other first program and
--   every first step of several programs at the same instant (learnpath
--   rule 4).
--   Table 2: one row per month (YYYY-MM, UTC) from the month of the first
--   enrollment to the month of the last one, including months with no
--   starts; each user is counted once, in the month and column of their
--   first program. total = all starts of the month; the last row totals
--   each column. With fewer than six first programs the spare columns are
--   empty.
.load dist/learnpath
.headers on
.mode box

.print 'The columns: the most common first programs'
-- first_program_monthly() counts the users starting each month with each
-- first program in C: one row per month and first program, every month of
-- the data included (0 users where nobody started).
WITH totals AS (
    SELECT program, sum(users) AS users
    FROM first_program_monthly('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE NOT tied
    GROUP BY program
),
ranked AS (
    SELECT row_number() OVER (ORDER BY users DESC, program) AS k, program, users
    FROM totals
)
SELECT "column", first_program, users
FROM (SELECT k, '#' || k AS "column", program AS first_program, users
      FROM ranked WHERE k <= 6
      UNION ALL
      SELECT 7, '(other)', '(every other first program, and several at once)',
             (SELECT coalesce(sum(users), 0)
              FROM first_program_monthly('enrollments', 'user_id', 'program', 'enrolled_at'))
             - (SELECT coalesce(sum(users), 0) FROM ranked WHERE k <= 6))
ORDER BY k;

.print ''
.print 'Users starting each month, by first program'
WITH
starts AS (
    SELECT month, tied, program, users
    FROM first_program_monthly('enrollments', 'user_id', 'program', 'enrolled_at')
),
ranked AS (
    SELECT row_number() OVER (ORDER BY sum(users) DESC, program) AS k, program
    FROM starts
    WHERE NOT tied
    GROUP BY program
),
placed AS (
    -- each month's row per first program, with its column (7: '(other)')
    SELECT s.month, s.users, CASE WHEN s.tied THEN 7 ELSE min(r.k, 7) END AS k
    FROM starts AS s LEFT JOIN ranked AS r ON r.program = s.program AND NOT s.tied
),
by_month AS (
    SELECT month,
           CASE WHEN (SELECT count(*) FROM ranked) >= 1 THEN sum(users) FILTER (WHERE k = 1) END AS "#1",
           CASE WHEN (SELECT count(*) FROM ranked) >= 2 THEN sum(users) FILTER (WHERE k = 2) END AS "#2",
           CASE WHEN (SELECT count(*) FROM ranked) >= 3 THEN sum(users) FILTER (WHERE k = 3) END AS "#3",
           CASE WHEN (SELECT count(*) FROM ranked) >= 4 THEN sum(users) FILTER (WHERE k = 4) END AS "#4",
           CASE WHEN (SELECT count(*) FROM ranked) >= 5 THEN sum(users) FILTER (WHERE k = 5) END AS "#5",
           CASE WHEN (SELECT count(*) FROM ranked) >= 6 THEN sum(users) FILTER (WHERE k = 6) END AS "#6",
           coalesce(sum(users) FILTER (WHERE k = 7), 0) AS "(other)",
           sum(users) AS total
    FROM placed
    GROUP BY month
)
SELECT * FROM by_month
UNION ALL
SELECT 'Total', sum("#1"), sum("#2"), sum("#3"), sum("#4"), sum("#5"), sum("#6"),
       sum("(other)"), sum(total)
FROM by_month
ORDER BY month;
