-- Errors name the function and what is wrong, and the shell goes on to the
-- next statement. run.sh turns the shell's error prefix into "ERROR: ".
.read tests/sql/fixtures/enrollments.sql
.load dist/learnpath
.headers off
.mode list

.print '-- missing source'
SELECT * FROM first_program;
SELECT count(*) FROM program_steps WHERE user_col = 'user_id';
.print '-- NULL or empty source or column'
SELECT * FROM program_journeys(NULL);
SELECT * FROM program_journeys('');
SELECT * FROM program_journeys('enrollments', NULL);
SELECT * FROM program_journeys('enrollments', 'user_id', '');
.print '-- unknown table or view'
SELECT * FROM first_program('enrolments');
SELECT * FROM first_program('nosuchschema.enrollments');
.print '-- unknown columns (each argument is named, and the columns listed)'
SELECT * FROM first_program('enrollments', 'learner_id');
SELECT * FROM program_steps('enrollments', 'user_id', 'course');
SELECT * FROM program_journeys('enrollments', 'user_id', 'program', 'start_date');
SELECT * FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'kind');
.print '-- a view that cannot be read'
CREATE VIEW broken AS SELECT * FROM gone;
SELECT * FROM first_program('broken');
.print '-- unreadable times: in the data (rule 2), and in since/until'
CREATE TABLE bad AS SELECT * FROM enrollments;
INSERT INTO bad VALUES ('99', 'Flagship', 'next tuesday', 'student', NULL);
SELECT * FROM program_steps('bad');
UPDATE bad SET enrolled_at = 'now' WHERE user_id = '99';
SELECT * FROM program_steps('bad');
SELECT * FROM first_program WHERE source = 'enrollments' AND since = 'yesterday';
SELECT * FROM first_program WHERE source = 'enrollments' AND until = '2021-13-01';
.print '-- bad ties / repeats / within_days'
SELECT * FROM first_program WHERE source = 'enrollments' AND ties = 'first';
SELECT * FROM first_program WHERE source = 'enrollments' AND ties = NULL;
SELECT * FROM program_transitions WHERE source = 'enrollments' AND repeats = 'drop';
SELECT * FROM program_transitions WHERE source = 'enrollments' AND repeats = NULL;
SELECT * FROM program_journeys WHERE source = 'enrollments' AND within_days = -1;
SELECT * FROM program_journeys WHERE source = 'enrollments' AND within_days = 'a week';
.print '-- still working after all that'
SELECT count(*) FROM first_program('enrollments');
