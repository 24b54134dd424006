-- sql/03 on the fixture. Hand check (days to the next program):
-- professionals: Flagship 5 users, 3 continued (9: 30, 11: 5, 15: 1.5) =
--   60.0%, median 5.0; A 1/1 (30.0); D 0/1; all 7 users, 4 continued =
--   57.1%, median of 1.5, 5, 30, 30 = 17.5.
-- students: A 5 users, 3 continued (1: 10, 2: 30, 4: 4) = 60.0%, median
--   10.0; at once (7) 1/1 (22.0); Flagship 0/1; B 0/1; all 8 users, 4
--   continued = 50.0%, median of 4, 10, 22, 30 = 16.0.
-- everyone: 15 users, 8 continued = 53.3%, median of 1.5, 4, 5, 10 | 22,
--   30, 30, 30 = 16.0.
-- The test lines, checked with R's survdiff on the same times (censored
-- users at the data end 2021-08-15 12:00 less their first start): the
-- log-rank test of professionals (4 events, 3.73 expected) against
-- students (4, 4.27): chi-square 0.0407, p = 0.840, hazard ratio (4/3.73)
-- / (4/4.27) = 1.15; nobody was seen 365 days (the longest is 222), so no
-- horizon test; per first program, A (1, 2, 3, 4, 6 against 12) p = 0.857
-- and Flagship (5 against 9, 10, 11, 13, 15) p = 0.377, which Holm makes
-- 0.857 and 0.753.
.read tests/sql/fixtures/enrollments.sql
.read sql/03_continuation_rate.sql
