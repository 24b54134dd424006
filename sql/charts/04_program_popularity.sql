-- 04_program_popularity.sql - chart for sql/04: program popularity.
--
-- Draws: grouped bars, one group per program, one bar per {segment}: the
--   distinct users who ever enrolled in the program (sql/04's users, from
--   program_popularity()). A user's {segment} is the first non-empty value in
--   time order (learnpath rule 6); rows with an empty user, program or time
--   are left out (rule 1), as in sql/04.
-- Run (from the repository root, after `make`); prints one SVG document:
--   sqlite3 DB < sql/charts/04_program_popularity.sql > popularity.svg
-- `make report` embeds it in the HTML report under sql/04's section.
.load dist/learnpath
.headers off
.mode list

SELECT bar_svg(program, coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')'), users,
               'Users who ever took each program, by ' || learnpath_report_setting('segment_label'))
FROM program_popularity('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'));
