-- 04_program_popularity.sql - Which programs are popular, with whom?
--
-- Question: for each user type, how many enrollments and distinct users
--   does each program have, and what share of that type's users ever
--   enrolled in it?
-- Expects: table enrollments(user_id, program, enrolled_at, user_type, ...),
--   one row per enrollment. Plain SQL: rename the columns below to adapt.
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/04_program_popularity.sql
-- How to read it:
--   enrollments counts rows (a user enrolling twice counts twice); users
--   counts distinct users; type_users = users of that type with any
--   enrollment; pct_of_type_users = users / type_users. A user can take
--   several programs, so a type's percentages add up to more than 100.
--   As in the learnpath functions (rule 1), rows with an empty user,
--   program or time are left out; an empty user_type shows as
--   '(no user type)'. The '(all user types)' rows count everyone.
.load dist/learnpath
.headers on
.mode box

WITH valid AS (
    SELECT user_id,
           program,
           coalesce(nullif(user_type, ''), '(no user type)') AS user_type
    FROM enrollments
    WHERE coalesce(user_id, '') <> ''
      AND coalesce(program, '') <> ''
      AND coalesce(enrolled_at, '') <> ''
),
both_levels AS (
    SELECT user_id, program, user_type FROM valid
    UNION ALL
    SELECT user_id, program, '(all user types)' FROM valid
),
type_users AS (
    SELECT user_type, count(DISTINCT user_id) AS type_users
    FROM both_levels
    GROUP BY user_type
)
SELECT b.user_type,
       b.program,
       count(*) AS enrollments,
       count(DISTINCT b.user_id) AS users,
       t.type_users,
       round(100.0 * count(DISTINCT b.user_id) / t.type_users, 1) AS pct_of_type_users
FROM both_levels AS b
JOIN type_users AS t USING (user_type)
GROUP BY b.user_type, b.program
ORDER BY b.user_type = '(all user types)', b.user_type, users DESC, b.program;
