-- sql/01 on the hand-made fixture (tests/sql/fixtures/enrollments.sql).
-- Hand check: students 1-8: A first 1,2,3,4,6 (5 = 62.5%), Flagship 5
-- (12.5%), B 8 (12.5%), Flagship+B at once 7 (12.5%); ancillary = A + B =
-- 6 (75.0%). Professionals 9-15: Flagship 9,10,11,13,15 (5 = 71.4%), A 12
-- and D 14 (1 each = 14.3%); ancillary 2 (28.6%).
-- The test line (rule 23): 8 students against 7 professionals; a column
-- passes Cochran's rule only with 10 or more users (expected 7 x c / 15 >=
-- 5), and no first program has more than 6 (Flagship 5, 5, 9, 10, 11, 13,
-- 15 is 6; A 1, 2, 3, 4, 6, 12 is 6), so folding leaves one category: no test.
.read tests/sql/fixtures/enrollments.sql
-- the client's report settings (README rule 16): its flagship program and
-- its group column
.load dist/learnpath
.output /dev/null
SELECT learnpath_report_setting('flagship', 'Flagship'), learnpath_report_setting('group_col', 'account');
.output stdout
.read sql/01_first_program_share.sql
