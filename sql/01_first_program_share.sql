-- 01_first_program_share.sql - Which program do users start with?
--
-- Question: for each user type, how many users start with the Flagship and
--   how many with an ancillary program (and which one)? Counts and % of the
--   user type.
-- Expects: table enrollments(user_id, program, enrolled_at, user_type, ...),
--   one row per enrollment. To use other names, edit the arguments of
--   both first_program_stats() calls: (table, user column, program column,
--   time column, user-type column).
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/01_first_program_share.sql
-- How to read it:
--   Table 1: one row per user type and kind of start. pct_of_type is the
--   share of that user type's users; each user type's rows add up to 100.
--   "Several at once" = the user's first enrollments were in two or more
--   programs at the very same instant (learnpath rule 4), e.g. Flagship and
--   Program B together; they are neither a Flagship nor an ancillary start.
--   Table 2: the same users by the program they started with.
--   A user's type is the first non-empty user_type in time order; users
--   with none are shown as '(no user type)'. Rows with an empty user,
--   program or time are left out (learnpath rule 1).
.load dist/learnpath
.headers on
.mode box

.print 'Flagship vs ancillary first program, by user type'
-- first_program_stats() counts users per user type and first program in C
-- (program NULL is its per-type total row, not needed here).
WITH stats AS (
    SELECT coalesce(segment, '(no user type)') AS user_type, program, tied, users
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
    WHERE program IS NOT NULL
),
kinds AS (
    SELECT user_type,
           CASE WHEN tied THEN 3 WHEN program = 'Flagship' THEN 1 ELSE 2 END AS kind_order,
           CASE WHEN tied THEN 'Several at once'
                WHEN program = 'Flagship' THEN 'Flagship'
                ELSE 'Ancillary program' END AS starts_with,
           users
    FROM stats
)
SELECT user_type,
       starts_with,
       sum(users) AS users,
       round(100.0 * sum(users) / sum(sum(users)) OVER (PARTITION BY user_type), 1) AS pct_of_type
FROM kinds
GROUP BY user_type, kind_order, starts_with
ORDER BY user_type, kind_order;

.print ''
.print 'First program, by user type'
WITH stats AS (
    SELECT coalesce(segment, '(no user type)') AS user_type,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           users
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
    WHERE program IS NOT NULL
)
SELECT user_type,
       first_program,
       CASE WHEN first_program = 'Flagship' THEN 'flagship'
            WHEN first_program = '(several at once)' THEN 'several at once'
            ELSE 'ancillary' END AS kind,
       sum(users) AS users,
       round(100.0 * sum(users) / sum(sum(users)) OVER (PARTITION BY user_type), 1) AS pct_of_type
FROM stats
GROUP BY user_type, first_program
ORDER BY user_type, users DESC, first_program;
