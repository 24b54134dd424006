-- The functions on a table with the client's own column names ("Learner
-- ID", "Course", "Start Date", "Kind"), positional and named, and on views.
-- The figures are those of the fixture (see 010, 011 and 020).
.read tests/sql/fixtures/enrollments.sql
.load dist/learnpath
CREATE TABLE "learner export" AS
SELECT user_id AS "Learner ID", program AS "Course", enrolled_at AS "Start Date",
       user_type AS "Kind"
FROM enrollments;
DROP TABLE enrollments;
.headers on
.mode list

.print '-- first_program, positional: students A 5, Flagship 1, B 1, tie 1; professionals Flagship 5, A 1, D 1'
SELECT segment AS kind, program AS first_course, count(*) AS learners
FROM first_program('learner export', 'Learner ID', 'Course', 'Start Date', 'Kind')
GROUP BY segment, program
ORDER BY kind, learners DESC, first_course;

.print
.print '-- program_transitions, named arguments; column names match case-insensitively'
SELECT segment AS kind, from_program, to_program, users, round(share, 4) AS share
FROM program_transitions
WHERE source = 'learner export' AND user_col = 'learner id' AND program_col = 'COURSE'
  AND time_col = 'Start Date' AND segment_col = 'kind' AND step = 1;

.print
.print '-- program_journeys and program_steps with the same mapping'
SELECT "path", count(*) AS learners
FROM program_journeys('learner export', 'Learner ID', 'Course', 'Start Date')
WHERE steps > 2
GROUP BY "path";
SELECT count(*) AS steps
FROM program_steps('learner export', 'Learner ID', 'Course', 'Start Date', 'Kind');

.print
.print '-- a view, and a schema-qualified name'
CREATE VIEW students AS SELECT * FROM "learner export" WHERE "Kind" = 'student';
SELECT count(*) AS students, sum(program = 'Program A') AS started_with_a
FROM first_program('students', 'Learner ID', 'Course', 'Start Date');
SELECT count(*) AS learners
FROM first_program('main.learner export', 'Learner ID', 'Course', 'Start Date');

.print
.print '-- a source chosen by a join: one row per table'
SELECT t.name AS source, count(f.user_id) AS learners
FROM (SELECT 'learner export' AS name UNION ALL SELECT 'students') AS t
JOIN first_program AS f
  ON f.source = t.name AND f.user_col = 'Learner ID' AND f.program_col = 'Course'
 AND f.time_col = 'Start Date'
GROUP BY t.name
ORDER BY t.name;
