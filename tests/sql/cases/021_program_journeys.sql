-- program_journeys() on the fixture: one row per user, path joined by ' > '.
-- Hand check: 11 goes Flagship > Program A > Flagship (3 steps, 2
-- programs, last 2021-03-20); 2 ends with B on 2021-08-15; 7's first step is
-- the tie 'Flagship + Program B' (3 programs); 6's repeat is collapsed.
.read tests/sql/fixtures/enrollments.sql
.load dist/learnpath
.headers on
.mode list
SELECT * FROM program_journeys('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type');

.print
.print '-- the most common paths (15 users in all)'
SELECT path, count(*) AS users
FROM program_journeys('enrollments')
GROUP BY path
ORDER BY users DESC, path;
