-- program_steps() on the fixture: one row per step, with days since the
-- previous step. Hand check: 2: A, Flagship +30 d, B +177.1667 d
-- (2021-02-19 08:00 -> 2021-08-15 12:00 = 177 d 4 h); 11: +5, +28 d;
-- 6: one step (repeat collapsed); 7: the tie, then A +22 d.
.read tests/sql/fixtures/enrollments.sql
.load dist/learnpath
.headers on
.mode list
SELECT user_id, segment, step, program, started_at, round(days_since_prev, 4) AS days_since_prev
FROM program_steps('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
WHERE user_id IN ('2', '6', '7', '11');

.print
.print '-- repeats = keep: 6 has A twice; first_only: 11 loses its second Flagship'
SELECT user_id, step, program, days_since_prev, repeats
FROM program_steps WHERE source = 'enrollments' AND repeats = 'keep' AND user_id IN ('6', '11');
SELECT user_id, step, program, days_since_prev, repeats
FROM program_steps WHERE source = 'enrollments' AND repeats = 'first_only' AND user_id IN ('6', '11');

.print
.print '-- ties = name: 7 has Flagship, Program B (0 days later), Program A'
SELECT user_id, step, program, days_since_prev, ties
FROM program_steps WHERE source = 'enrollments' AND ties = 'name' AND user_id = '7';

.print
.print '-- total steps: 25 (users 1, 10-15, 2-9: 2+1+3+2+1+1+2+3+1+2+1+1+2+1+2)'
SELECT count(*) AS steps, count(DISTINCT user_id) AS users FROM program_steps('enrollments');
