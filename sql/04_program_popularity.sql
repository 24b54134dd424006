-- 04_program_popularity.sql - Which programs are popular, with whom?
--
-- Question: for each user type, how many enrollments and distinct users
--   does each program have, and what share of that type's users ever
--   enrolled in it?
-- Expects: table enrollments(user_id, program, enrolled_at, user_type, ...),
--   one row per enrollment. To use other names, edit the arguments of
--   program_popularity() (table, user column, program column, time column,
--   user-type column).
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/04_program_popularity.sql
-- How to read it:
--   enrollments counts rows (a user enrolling twice counts twice); users
--   counts distinct users; type_users = users of that type; pct_of_type_users
--   = users / type_users. A user can take several programs, so a type's
--   percentages add up to more than 100. A user's type is the first
--   non-empty user_type in time order (learnpath rule 6), so each user
--   counts in one type; users with none are shown as '(no user type)'.
--   Rows with an empty user, program or time are left out (learnpath rule
--   1). The '(all user types)' rows count everyone.
.load dist/learnpath
.headers on
.mode box

-- program_popularity() counts enrollments and users per user type and
-- program in C; without a user-type column it counts over all users.
WITH popularity AS (
    SELECT coalesce(segment, '(no user type)') AS user_type,
           program, enrollments, users, segment_users
    FROM program_popularity('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
    UNION ALL
    SELECT '(all user types)', program, enrollments, users, segment_users
    FROM program_popularity('enrollments', 'user_id', 'program', 'enrolled_at')
)
SELECT user_type,
       program,
       enrollments,
       users,
       segment_users AS type_users,
       round(100.0 * users / segment_users, 1) AS pct_of_type_users
FROM popularity
ORDER BY user_type = '(all user types)', user_type, users DESC, program;
