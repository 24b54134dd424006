-- sql/02 on the fixture. Hand check, step 1 -> 2:
-- professionals: Flagship (9,10,11,13,15): -> A 9,11 (40%), none 10,13
--   (40%), -> C 15 (20%); A (12) -> Flagship; D (14) -> none.
-- students: A (1,2,3,4,6): -> Flagship 1,2 (40%), none 3,6 (40%; 6's second
--   A is a collapsed repeat), -> C 4 (20%); Flagship+B at once (7) -> A;
--   Flagship (5) -> none; B (8) -> none.
-- pct_of_continuers: professionals Flagship -> A 2/3 = 66.7, -> C 33.3;
--   students A -> Flagship 2/3 = 66.7, -> C 33.3; single continuers 100.0.
.read tests/sql/fixtures/enrollments.sql
.read sql/02_initial_next_program.sql
