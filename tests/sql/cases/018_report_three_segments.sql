-- sql/03 with three user types (rule 23): users 3, 10 and 14 become 'zeta',
-- so the fixture (tests/sql/fixtures/enrollments.sql) compares professional
-- (9, 11, 12, 13, 15), student (1, 2, 4, 5, 6, 7, 8) and zeta (3, 10, 14).
-- Checked with R's survdiff on the same times (censored users at the data
-- end 2021-08-15 12:00 less their first start): the log-rank test over all
-- first programs has 2 degrees of freedom, chi-square 3.6, p = 0.163, and
-- with three groups no hazard ratio is printed; nobody was seen 365 days,
-- so no horizon test; per first program, A (1, 2, 4, 6 / 12 / 3) p = 0.499
-- and Flagship (5 / 9, 11, 13, 15 / 10) p = 0.344, which Holm makes 0.687
-- and 0.687.
.read tests/sql/fixtures/enrollments.sql
UPDATE enrollments SET user_type = 'zeta' WHERE user_id IN ('3', '10', '14');
.read sql/03_continuation_rate.sql
