-- 06_monthly_starts.sql - How many users start each month, and with what?
--
-- Question: for each month of the data, how many users had their first
--   enrollment that month, by first program?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment, programs named 'Flagship' and 'Program A'..'Program E'.
--   Other program names: edit the columns of the counts and by_month CTEs
--   and of the Total row (a first program not listed there is counted under other).
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

WITH RECURSIVE
bounds AS (
    -- the data's whole range, from the first enrollment to the last
    -- (learnpath returns times as 'YYYY-MM-DD HH:MM:SS')
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
    -- one pass over the users, then one row per month
    SELECT month,
           count(*) FILTER (WHERE first_program = 'Flagship')  AS "Flagship",
           count(*) FILTER (WHERE first_program = 'Program A') AS "Program A",
           count(*) FILTER (WHERE first_program = 'Program B') AS "Program B",
           count(*) FILTER (WHERE first_program = 'Program C') AS "Program C",
           count(*) FILTER (WHERE first_program = 'Program D') AS "Program D",
           count(*) FILTER (WHERE first_program = 'Program E') AS "Program E",
           count(*) FILTER (WHERE first_program NOT IN ('Flagship', 'Program A',
                   'Program B', 'Program C', 'Program D', 'Program E')) AS other,
           count(*) AS total
    FROM starts
    GROUP BY month
),
by_month AS (
    SELECT m.month,
           coalesce(c."Flagship", 0) AS "Flagship", coalesce(c."Program A", 0) AS "Program A",
           coalesce(c."Program B", 0) AS "Program B", coalesce(c."Program C", 0) AS "Program C",
           coalesce(c."Program D", 0) AS "Program D", coalesce(c."Program E", 0) AS "Program E",
           coalesce(c.other, 0) AS other, coalesce(c.total, 0) AS total
    FROM months AS m
    LEFT JOIN counts AS c ON c.month = m.month
)
SELECT * FROM by_month
UNION ALL
SELECT 'Total', sum("Flagship"), sum("Program A"), sum("Program B"), sum("Program C"),
       sum("Program D"), sum("Program E"), sum(other), sum(total)
FROM by_month
ORDER BY month;
