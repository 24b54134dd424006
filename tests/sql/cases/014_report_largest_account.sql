-- sql/05 on the fixture, then again after four users join Corp Y.
-- Hand check, first run: accounts by users: '' 6, Corp X 5 (9,10,11,12,15),
--   Corp Y 2, NULL 2 -> Corp X, 10 enrollments, 5 of 15 users = 33.3%.
--   First programs: Flagship 9,10,11,15 (80.0%), A 12 (20.0%).
--   Flagship -> A 9,11 (50%), none 10 (25%), C 15 (25%); A -> Flagship.
--   Of the Flagship starters who continued: A 2/3 = 66.7%, C 33.3%.
-- Second run (same session: the report replaces its temp view): Corp Y has
--   8, 13, 16, 17, 18, 19 = 6 users and 8 enrollments (8's NULL-program row
--   is not one), 6 of 19 = 31.6%.
--   Professionals 13, 18 Flagship (66.7%), 19 E (33.3%); students 16, 17 A
--   (66.7%), 8 B (33.3%).
--   Flagship (13, 18): none 50%, -> A 50%; E (19): none; students A (16,
--   17): -> Flagship 50%, none 50%; B (8): none.
-- The test lines (rule 23), checked with R's survdiff: first programs, as
-- in case 010, fold into one category (no test). Corp X (9, 10, 11, 12,
-- 15: 4 events, 2.35 expected) against the other 10 users (4, 5.65):
-- log-rank p = 0.180, hazard ratio 2.41; no one seen 365 days. Second run:
-- Corp Y (8, 13, 16, 17, 18, 19; 16 and 18 go on after 10 and 20 days)
-- against the other 13: p = 0.327, hazard ratio 0.48.
.read tests/sql/fixtures/enrollments.sql
-- the client's report settings (README rule 16): its flagship program and
-- its group column
.load dist/learnpath
.output /dev/null
SELECT learnpath_report_setting('flagship', 'Flagship'), learnpath_report_setting('group_col', 'account');
.output stdout
.read sql/05_largest_account.sql
INSERT INTO enrollments (user_id, program, enrolled_at, user_type, account) VALUES
    ('16', 'Program A', '2021-05-03 10:00:00', 'student',      'Corp Y'),
    ('16', 'Flagship',  '2021-05-13 10:00:00', 'student',      'Corp Y'),
    ('17', 'Program A', '2021-05-04 10:00:00', 'student',      'Corp Y'),
    ('18', 'Flagship',  '2021-05-05 10:00:00', 'professional', 'Corp Y'),
    ('18', 'Program A', '2021-05-25 10:00:00', 'professional', 'Corp Y'),
    ('19', 'Program E', '2021-05-06 10:00:00', 'professional', 'Corp Y');
.print ''
.print '-- after four users join Corp Y'
.read sql/05_largest_account.sql
