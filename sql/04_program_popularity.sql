-- 04_program_popularity.sql - Which programs are popular, with whom?
--
-- Question: for each {segment}, how many enrollments and distinct users
--   does each program have, and what share of that {segment}'s users ever
--   enrolled in it?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment; the segment column is the report setting segment_col
--   (README rule 16; default user_type, '' for none), and {segment} in
--   these comments stands for its name (setting segment_label).
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/04_program_popularity.sql
-- How to read it:
--   enrollments counts rows (a user enrolling twice counts twice); users
--   counts distinct users; segment_users = users of that {segment};
--   pct_of_segment_users = users / segment_users. A user can take several
--   programs, so a {segment}'s percentages add up to more than 100. A
--   user's {segment} is the first non-empty value in time order (learnpath
--   rule 6), so each user counts in one; users with none are shown as
--   '(no {segment})'. Rows with an empty user, program or time are left out (learnpath rule
--   1). The '(all users)' rows count everyone.
.load dist/learnpath
.headers on
.mode box

-- program_popularity() counts enrollments and users per {segment} and
-- program in C; without a segment column it counts over all users.
WITH popularity AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           program, enrollments, users, segment_users
    FROM program_popularity('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    UNION ALL
    SELECT '(all users)', program, enrollments, users, segment_users
    FROM program_popularity('enrollments', 'user_id', 'program', 'enrolled_at')
)
SELECT segment,
       program,
       enrollments,
       users,
       segment_users,
       round(100.0 * users / segment_users, 1) AS pct_of_segment_users
FROM popularity
ORDER BY segment = '(all users)', segment, users DESC, program;
