-- 04_program_popularity.sql - chart for sql/04: program popularity.
--
-- Draws: grouped bars, one group per program, one bar per user type: the
--   distinct users who ever enrolled in the program (sql/04's users).
--   Rows with an empty user, program or time are left out, as in sql/04.
-- Run (from the repository root, after `make`); prints one SVG document:
--   sqlite3 DB < sql/charts/04_program_popularity.sql > popularity.svg
-- `make report` embeds it in the HTML report under sql/04's section.
.load dist/learnpath
.headers off
.mode list

SELECT bar_svg(program, user_type, users, 'Users who ever took each program, by user type')
FROM (SELECT program,
             coalesce(nullif(user_type, ''), '(no user type)') AS user_type,
             count(DISTINCT user_id) AS users
      FROM enrollments
      WHERE coalesce(user_id, '') <> ''
        AND coalesce(program, '') <> ''
        AND coalesce(enrolled_at, '') <> ''
      GROUP BY 1, 2);
