-- first_program() on the fixture, every column, and its named arguments.
-- Users come in user_id order; the ids are text, so '10' sorts before '2'
-- (rule 10). Hand check of the default run (days between step starts):
--   1 A->Flagship 10 d, 2 steps; 11 Flagship->A 5 d, 3 steps (Flagship again)
--   but 2 programs; 13's '2021-04-01T08:30' reads as 08:30:00 (rule 2);
--   15 1.5 d; 2 3 steps; 6's repeat is collapsed (1 step, rule 5); 7 starts
--   with 'Flagship + Program B', tied = 1 (rule 4), 22 d to A, 3 programs;
--   8's NULL-program row is left out (rule 1), so it starts 2021-04-02.
.read tests/sql/fixtures/enrollments.sql
.load dist/learnpath
.headers on
.mode list
SELECT user_id, segment, program, started_at, tied, next_program,
       round(days_to_next, 4) AS days_to_next, steps, programs
FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type');

.print
.print '-- defaults read back through the hidden columns (no segment)'
SELECT DISTINCT segment, source, user_col, program_col, time_col, segment_col,
       since, until, within_days, ties, repeats
FROM first_program('enrollments');

.print
.print '-- ties = name: 7 starts with Flagship, then Program B 0 days later (still tied)'
SELECT user_id, program, tied, next_program, days_to_next, steps, programs, ties
FROM first_program WHERE source = 'enrollments' AND ties = 'name' AND user_id = '7';

.print
.print '-- repeats = keep: 6 goes A -> A after 15 days; first_only: 11 has 2 steps'
SELECT user_id, program, next_program, days_to_next, steps, programs, repeats
FROM first_program WHERE source = 'enrollments' AND repeats = 'keep' AND user_id IN ('6', '11');
SELECT user_id, program, next_program, days_to_next, steps, programs, repeats
FROM first_program WHERE source = 'enrollments' AND repeats = 'first_only' AND user_id IN ('6', '11');

.print
.print '-- since/until (rule 7): first step in [2021-03-01 11:00, 2021-04-01 08:30)'
.print '-- keeps 5 (exactly 11:00), 6, 7, 12 and not 13 (exactly 08:30)'
SELECT group_concat(user_id, ' ') AS users
FROM first_program
WHERE source = 'enrollments' AND since = '2021-03-01 11:00:00' AND until = '2021-04-01 08:30';
.print '-- since 2021-03-01 00:00 as a Julian day, until 2021-04-01 08:30 as Unix seconds'
SELECT group_concat(user_id, ' ') AS users
FROM first_program
WHERE source = 'enrollments' AND since = 2459274.5 AND until = 1617265800;

.print
.print '-- within_days = 10 (rule 8): gaps over 10 days end journeys; 1 (exactly 10) continues'
SELECT user_id, next_program, days_to_next, steps, within_days
FROM first_program
WHERE source = 'enrollments' AND within_days = 10 AND next_program IS NOT NULL;
