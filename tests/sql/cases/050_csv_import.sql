-- The demo's path: a CSV export imported with `.import --csv`, as
-- tools/demo.sh and an analyst do. tests/sql/fixtures/enrollments.csv holds
-- the rows of fixtures/enrollments.sql; after the import every column is
-- TEXT and every NULL is '' (no account, the NULL program, the NULL user).
-- Rule 1 treats '' as missing, so the reports give the fixture's figures:
-- sql/01 as in 010, and sql/05 picks Corp X (5 users) although '' now has
-- 8 users (1-7 and 14) - as in 014's first run.
.import --csv tests/sql/fixtures/enrollments.csv enrollments
.headers on
.mode list
SELECT typeof(user_id) AS type, count(*) AS rows,
       sum(user_id = '') AS empty_users, sum(program = '') AS empty_programs,
       sum(account = '') AS empty_accounts, sum(account IS NULL) AS null_accounts
FROM enrollments
GROUP BY typeof(user_id);
-- the client's report settings (README rule 16): its flagship program and
-- its group column
.load dist/learnpath
.output /dev/null
SELECT learnpath_report_setting('flagship', 'Flagship'), learnpath_report_setting('group_col', 'account');
.output stdout
.read sql/01_first_program_share.sql
.print ''
.read sql/05_largest_account.sql
