-- sql/06 on the fixture, then with a repeat enrollment after the data's
-- last month.
-- Hand check, first starts by month: 2021-01: A 1, 2; Flagship 9, 10.
--   2021-02: A 3, 4; Flagship 11. 2021-03: Flagship 5; A 6, 12; other 7
--   (Flagship + B at once). 2021-04: Flagship 13; B 8; D 14. 2021-05 and
--   2021-06: none. 2021-07: Flagship 15. 2021-08: none, but user 2's B on
--   2021-08-15 is the last enrollment, so the month is listed.
--   Totals: Flagship 6, A 6, B 1, D 1, other 1 = 15.
-- Second run: user 2 takes B again on 2021-09-03 (a repeat, collapsed into
--   the previous B step): the range now runs to 2021-09, the starts are
--   unchanged.
.read tests/sql/fixtures/enrollments.sql
.read sql/06_monthly_starts.sql
INSERT INTO enrollments VALUES ('2', 'Program B', '2021-09-03 10:00:00', 'student', '');
.print ''
.print '-- after a repeat enrollment in 2021-09'
.read sql/06_monthly_starts.sql
