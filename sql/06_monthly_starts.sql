-- 06_monthly_starts.sql - How many users start each month, and with what?
--
-- Question: for each month of the data, how many users had their first
--   enrollment that month, by first program?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment, programs named 'Flagship' and 'Program A'..'Program E'.
--   Other program names: edit the columns of the by_month CTE and of the
--   Total row (a first program not listed there is counted under other).
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/06_monthly_starts.sql
-- How to read it:
--   One row per month (YYYY-MM, UTC) from the month of the first enrollment
--   to the month of the last one, including months with no starts; each
--   user is counted once, in the month and column of their first program.
--   other = any other first program, or several programs started at the
--   same instant (learnpath rule 4). total = all starts of the month; the
--   last row totals each column.
.load dist/learnpath
.headers on
.mode box

-- first_program_monthly() counts the users starting each month with each
-- first program in C: one row per month and first program, every month of
-- the data included (0 users where nobody started).
WITH
starts AS (
    SELECT month,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           users
    FROM first_program_monthly('enrollments', 'user_id', 'program', 'enrolled_at')
),
by_month AS (
    SELECT month,
           coalesce(sum(users) FILTER (WHERE first_program = 'Flagship'), 0)  AS "Flagship",
           coalesce(sum(users) FILTER (WHERE first_program = 'Program A'), 0) AS "Program A",
           coalesce(sum(users) FILTER (WHERE first_program = 'Program B'), 0) AS "Program B",
           coalesce(sum(users) FILTER (WHERE first_program = 'Program C'), 0) AS "Program C",
           coalesce(sum(users) FILTER (WHERE first_program = 'Program D'), 0) AS "Program D",
           coalesce(sum(users) FILTER (WHERE first_program = 'Program E'), 0) AS "Program E",
           coalesce(sum(users) FILTER (WHERE first_program NOT IN ('Flagship', 'Program A',
                   'Program B', 'Program C', 'Program D', 'Program E')), 0) AS other,
           sum(users) AS total
    FROM starts
    GROUP BY month
)
SELECT * FROM by_month
UNION ALL
SELECT 'Total', sum("Flagship"), sum("Program A"), sum("Program B"), sum("Program C"),
       sum("Program D"), sum("Program E"), sum(other), sum(total)
FROM by_month
ORDER BY month;
