-- Loading the extension twice in one session is harmless (every report
-- starts with .load, and cases .read several of them), and the fixture
-- has the rows its header describes.
.load dist/learnpath
.load dist/learnpath
.headers on
SELECT learnpath_version() <> '' AS has_version;
.read tests/sql/fixtures/enrollments.sql
.load dist/learnpath
SELECT count(*) AS rows,
       count(DISTINCT user_id) AS user_ids,
       sum(program IS NULL) AS null_programs,
       sum(enrolled_at = '') AS empty_times,
       sum(user_id IS NULL) AS null_users
FROM enrollments;
SELECT count(*) AS users FROM first_program('enrollments');
