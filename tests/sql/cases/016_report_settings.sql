-- The saved reports under other report settings (README rule 16), on the
-- hand-made fixture (tests/sql/fixtures/enrollments.sql, 15 users).
-- Hand check: with no flagship set, sql/01's split is one note and table 2
-- is unchanged (students A 5 of 8, professionals Flagship 5 of 7); a group
-- column whose values are all NULL or empty (user_type copied as '' into
-- a column nobody fills) is no group: sql/05 is one note, its tables
-- empty; with no segment column (segment_col '') every user is in one row
-- '(no segment)': 15 users, Flagship 6 (5 + 1), A 6 (1 + 5), B 1, D 1,
-- several at once 1; two flagships ["Program A", "Program B"] put A and B
-- together: students 6 of 8, professionals 1 of 7.
-- The test lines (rule 23): with the fixture's two user types the first
-- programs fold into one category (as case 010 shows: no test); with no
-- segment column the line says there are no groups to compare; with the
-- all-empty group column sql/05 has no largest group, so no comparison.
.read tests/sql/fixtures/enrollments.sql
.load dist/learnpath
ALTER TABLE enrollments ADD COLUMN employer TEXT;
UPDATE enrollments SET employer = CASE WHEN rowid % 2 THEN '' END;
.read sql/01_first_program_share.sql
.print ''
.print '-- group_col employer: every value NULL or empty'
.output /dev/null
SELECT learnpath_report_setting('group_col', 'employer');
.output stdout
.read sql/05_largest_account.sql
.print ''
.print '-- no segment column, two flagships'
.output /dev/null
SELECT learnpath_report_setting('segment_col', ''),
       learnpath_report_setting('flagship', '["Program A", "Program B"]');
.output stdout
.read sql/01_first_program_share.sql
.print ''
.print '-- segment back, with its own name; the flagship split by it'
.output /dev/null
SELECT learnpath_report_setting('segment_col', 'user_type'),
       learnpath_report_setting('segment_label', 'kind of learner');
.output stdout
.headers on
.mode list
SELECT segment, starts_with, users FROM (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           CASE WHEN learnpath_is_flagship(program) THEN 'the flagship' ELSE 'another program' END
               AS starts_with,
           sum(users) AS users
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    WHERE program IS NOT NULL AND NOT tied
    GROUP BY 1, 2)
ORDER BY segment, starts_with;
.print ''
.print '-- flagships no enrollment has: one misspelt of two (the split stays, and a'
.print '-- note names it), then the only one misspelt (the split is left out)'
.output /dev/null
SELECT learnpath_report_setting('flagship', ' ["Flagship", "Flagshp"]');
.output stdout
.read sql/01_first_program_share.sql
.output /dev/null
SELECT learnpath_report_setting('flagship', 'flagship');
.output stdout
.read sql/01_first_program_share.sql
