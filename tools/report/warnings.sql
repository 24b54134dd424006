-- warnings.sql - the warnings at the top of `make report`'s page
-- (tools/report.sh), when the data has one of the common export mistakes
-- enrollment_profile() finds (README rule 14): users all of whose rows were
-- left out, implausible times, and a data end that cuts recent users short.
--
-- One row per warning that applies: title and text. tools/report.sh runs
-- it with the sqlite3 shell in html mode, so every value arrives
-- HTML-escaped. The data end applies when a tenth of the users or more
-- started less than 365 days before the last enrollment: for them "did not
-- continue" may only mean "not yet".
.load dist/learnpath

WITH profile AS (
    SELECT finding, value, detail
    FROM enrollment_profile('enrollments', 'user_id', 'program', 'enrolled_at',
                            learnpath_report_setting('segment_col'))
),
followup AS (
    SELECT (SELECT value FROM profile WHERE finding = 'followup_under_90_days') AS under_90,
           (SELECT value FROM profile WHERE finding = 'followup_under_365_days') AS under_365,
           (SELECT substr(value, 1, 10) FROM profile WHERE finding = 'last_time') AS last_day
)
SELECT 'Users left out',
       printf('%,d %s rows but no usable enrollment (each row lacks a program or a time, '
              || 'learnpath rule 1, or has a time that cannot be read, rule 2), so %s in no '
              || 'figure of this page: %s.',
              value, CASE WHEN value = 1 THEN 'user has' ELSE 'users have' END,
              CASE WHEN value = 1 THEN 'it is' ELSE 'they are' END, detail)
FROM profile WHERE finding = 'users_left_out' AND value > 0
UNION ALL
SELECT 'Implausible times',
       printf('%,d enrollments have times that look wrong: %s.', value, detail)
FROM profile WHERE finding = 'implausible_times' AND value > 0
UNION ALL
SELECT 'Recent users',
       printf('%.1f%% of the users started less than 90 days, and %.1f%% less than 365 days, '
              || 'before the last enrollment (%s): they had little time to go on to a second '
              || 'program, so the shares who did not continue include users who have not '
              || 'continued yet (learnpath rule 14).',
              100.0 * under_90, 100.0 * under_365, last_day)
FROM followup WHERE under_365 >= 0.1;
