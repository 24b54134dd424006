-- 02_initial_next_program.sql - Where do users go after their first program?
--
-- Question: for each {segment} and initial (first) program, which program
--   did users take next - or did they not continue at all?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment; the segment column is the report setting segment_col
--   (README rule 16; default user_type, '' for none), and {segment} in
--   these comments stands for its name (setting segment_label).
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/02_initial_next_program.sql
-- How to read it:
--   One row per {segment}, initial program and next program. starters =
--   users of that {segment} who started with that program; users = how many of
--   them took next_program as their second program; pct_of_starters =
--   users / starters, so each (segment, initial_program) block adds up to
--   100. '(did not continue)' = no second program (yet). pct_of_continuers
--   = users / the starters who did continue: where those who went on went.
--   learnpath names a step of several programs started at the same instant
--   'A + B' (rule 4); such steps are folded into '(several at once)'.
--   Consecutive repeats of one program count once (rule 5, 'collapse').
.load dist/learnpath
.headers on
.mode box

WITH step1 AS (
    -- from_tied/to_tied mark same-instant groups ('A + B', learnpath rule 4)
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           CASE WHEN from_tied THEN '(several at once)' ELSE from_program END AS initial_program,
           CASE WHEN to_program IS NULL THEN '(did not continue)'
                WHEN to_tied THEN '(several at once)'
                ELSE to_program END AS next_program,
           users
    FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    WHERE step = 1
),
folded AS (
    SELECT segment, initial_program, next_program, sum(users) AS users
    FROM step1
    GROUP BY segment, initial_program, next_program
)
SELECT segment,
       initial_program,
       sum(users) OVER (PARTITION BY segment, initial_program) AS starters,
       next_program,
       users,
       round(100.0 * users / sum(users) OVER (PARTITION BY segment, initial_program), 1)
           AS pct_of_starters,
       CASE WHEN next_program <> '(did not continue)' THEN
           round(100.0 * users / sum(CASE WHEN next_program <> '(did not continue)' THEN users END)
                                 OVER (PARTITION BY segment, initial_program), 1)
       END AS pct_of_continuers
FROM folded
ORDER BY segment, starters DESC, initial_program, users DESC, next_program;
