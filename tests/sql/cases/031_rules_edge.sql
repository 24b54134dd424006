-- Rules 1, 2, 3, 6, 9 and 10 on tests/sql/fixtures/edge.sql (see its header).
-- Hand check:
--   7: only W on 2022-02-01 is kept (rule 1), and it has no segment (rule 6).
--   8: A 2022-01-01 00:00 (Unix 1640995200), B 01-02 00:00 (JD 2459581.5),
--      C 01-03 10:00 (12:00+02:00), D 01-04 00:00 (Z): 1.0, 1.4167, 0.5833 d.
--   9: '1640995200' as text is read as Unix seconds too.
--   42 (integer) and 42.0 are one user: X then Z, segment 'num' (the first
--      row's segment is NULL); '42' (text) is another user: Y, 'text'.
--   Users come numbers first, then text (rule 10).
--   P -> Q after 1, 2, 3, 10 days: avg 4, median (2 + 3) / 2 = 2.5, share
--   4/5; P -> R: 5 d, 1/5. S -> T after 1, 2, 9 d: avg 4, median 2.
.read tests/sql/fixtures/edge.sql
.load dist/learnpath
.headers on
.mode list
SELECT typeof(user_id) AS type, user_id, segment, program, started_at, next_program, steps
FROM first_program('edge', 'user_id', 'program', 'enrolled_at', 'segment');

.print
SELECT user_id, step, program, started_at, round(days_since_prev, 4) AS days_since_prev
FROM program_steps('edge') WHERE user_id IN (8, 9);

.print
SELECT segment, step, from_program, to_program, users, round(share, 4) AS share,
       round(avg_days, 4) AS avg_days, round(median_days, 4) AS median_days
FROM program_transitions('edge', 'user_id', 'program', 'enrolled_at', 'segment')
WHERE segment = 'm';

.print
.print '-- an empty source has no journeys'
CREATE TABLE empty_source (user_id, program, enrolled_at);
SELECT count(*) AS users FROM first_program('empty_source');
SELECT count(*) AS rows FROM program_transitions('empty_source');
