-- program_transitions() on the fixture, every step (rule 9).
-- Hand check, professionals step 1: Flagship (5) -> none 2, -> A 2 (9: 30 d,
-- 11: 5 d: avg = median = 17.5), -> C 1 (1.5 d); A -> Flagship (30 d);
-- D -> none. Step 2: Flagship (12) -> none; A (9, 11) -> none 0.5,
-- -> Flagship 0.5 (28 d); C (15) -> none. Step 3: Flagship (11) -> none.
-- Students step 1: A (5) -> none 2 (0.4), -> Flagship 2 (10, 30 d: 20),
-- -> C 1 (4 d); Flagship -> none; 'Flagship + Program B' -> A (22 d);
-- B -> none. Step 2: Flagship (1, 2) -> none 0.5, -> B 0.5 (177.1667 d);
-- A (7) -> none; C (4) -> none. Step 3: B (2) -> none.
-- Order: segment, step, users desc, from, to with NULL first.
.read tests/sql/fixtures/enrollments.sql
.load dist/learnpath
.headers on
.mode list
SELECT segment, step, from_program, to_program, users,
       round(share, 4) AS share, round(avg_days, 4) AS avg_days,
       round(median_days, 4) AS median_days
FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type');

.print
.print '-- each (segment, step, from) group shares add up to 1'
SELECT count(*) AS groups, sum(abs(total - 1.0) < 1e-9) AS summing_to_1
FROM (SELECT sum(share) AS total
      FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
      GROUP BY segment, step, from_program);

.print
.print '-- no segment: step 1 of everyone'
SELECT segment, step, from_program, to_program, users, round(share, 4) AS share
FROM program_transitions('enrollments') WHERE step = 1;
