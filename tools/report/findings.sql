-- findings.sql - the "Key findings" box of `make report` (tools/report.sh).
--
-- One row per finding: figure (a number, shown large: a plain integer gets
-- thousands separators, anything else is shown as is), text (the sentence
-- that follows it) and report (NN of the sql/NN_*.sql report the finding
-- comes from; the card links to that section). Every figure comes from the
-- learnpath aggregates the reports use (first_program_stats,
-- program_transitions, program_popularity, group_stats,
-- first_program_monthly, continuation_curve, segment_compare), computed in C from the one cached read of the
-- table enrollments, so the SQL here only picks from their few rows. The
-- rules are the reports' own: same-instant first steps (learnpath rule 4)
-- are '(several at once)', rows with an empty user, program or time are
-- left out (rule 1). The report settings (README rule 16) give the segment
-- and group columns and their names. Each figure shows its base ("12 of 23
-- users"); a figure resting on fewer users than the setting min_base
-- (default 30) is no finding. Data values (segment, program and group
-- names) are shown exactly as stored, in quotes. tools/report.sh
-- runs this file with the sqlite3 shell in html mode, so every value
-- arrives HTML-escaped.
.load dist/learnpath

-- all users: first_program_stats() without a user-type column gives one
-- row per first program and the total row (program NULL) over all users:
-- users, those who continued, and the median days to the second program
-- over those who continued (rule 9)
WITH totals AS (
    SELECT users, continued, median_days_to_next
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE program IS NULL
),
-- the Kaplan-Meier estimate of going on within 365 days, over all users
-- (continuation_curve, rules 17-18, as sql/03, on the days sql/03 and
-- sql/07 ask for: the rows they computed): none when no user was observed
-- for 365 days
km AS (
    SELECT continued, 1 - upper AS low, 1 - lower AS high
    FROM continuation_curve('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE at_days = '30,90,180,365' AND day = 365 AND program IS NULL
      AND (at_risk > 0 OR survival = 0)
),
all_users AS (
    SELECT coalesce((SELECT users FROM totals), 0) AS n
),
-- 1. each segment's most common first program (the three largest
-- segments): first_program_stats() per segment, its tie groups ('A + B')
-- folded into '(several at once)'
type_stats AS (
    SELECT segment,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           users
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    WHERE program IS NOT NULL
),
type_firsts AS (
    SELECT segment, first_program, sum(users) AS users,
           sum(sum(users)) OVER (PARTITION BY segment) AS type_users,
           row_number() OVER (PARTITION BY segment
                              ORDER BY sum(users) DESC, first_program) AS k
    FROM type_stats
    GROUP BY segment, first_program
),
top_firsts AS (
    SELECT segment, first_program, users, type_users,
           row_number() OVER (ORDER BY type_users DESC, segment) AS type_rank
    FROM type_firsts
    WHERE k = 1
),
-- 2. where the users of the most common first program went next: the
-- program (never a tie group) most users started with, then its step-1
-- transitions (program_transitions), a tie group as next step counted as
-- 'several programs at once'
top_program AS (
    SELECT program AS first_program
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE program IS NOT NULL AND NOT tied
    ORDER BY users DESC, program
    LIMIT 1
),
next_after AS (
    SELECT CASE WHEN to_tied THEN 'several programs at once' ELSE to_program END AS next_program,
           sum(users) AS users,
           sum(sum(users)) OVER () AS continued
    FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE step = 1
      AND NOT from_tied
      AND from_program = (SELECT first_program FROM top_program)
      AND to_program IS NOT NULL
    GROUP BY 1
    ORDER BY users DESC, next_program
    LIMIT 1
),
-- 4. the program the most users ever took (program_popularity, as sql/04)
popular AS (
    SELECT program, users
    FROM program_popularity('enrollments', 'user_id', 'program', 'enrolled_at')
    ORDER BY users DESC, program
    LIMIT 1
),
-- 5. the largest group, chosen as in sql/05: group_stats() puts each user
-- in their first non-empty group (rule 12); rank 1 has the most users (a
-- tie goes to the first name); none without a group column (setting
-- group_col)
account AS (
    SELECT group_value AS account, users
    FROM group_stats('enrollments')
    WHERE group_col = learnpath_report_setting('group_col') AND rank = 1
),
base AS (
    SELECT learnpath_report_setting('min_base') AS n
),
-- 6. the month with the most first starts (first_program_monthly, as sql/06)
busiest AS (
    SELECT month, sum(users) AS starts
    FROM first_program_monthly('enrollments', 'user_id', 'program', 'enrolled_at')
    GROUP BY month
    ORDER BY starts DESC, month
    LIMIT 1
),
-- 7. the strongest difference between the segments (segment_compare, as
-- sql/01 and sql/03 test them, rules 22-23): of the chi-square tests of
-- where users start (sql/01) and where they go next after each first
-- program (sql/02, p adjusted over the first programs), the largest
-- Cramer's V among those with p below 0.05; "statistically clear, but
-- small" when Cohen's w = sqrt(X^2 / n) is under 0.3
strongest AS (
    SELECT question, program, effect, statistic, n, p_adjusted, log10_p
    FROM segment_compare('enrollments', 'user_id', 'program', 'enrolled_at',
                         learnpath_report_setting('segment_col'))
    WHERE learnpath_report_setting('segment_col') IS NOT NULL AND within_segment IS NULL
      AND test = 'pearson_chi2' AND question IN ('first_program', 'next_program')
      AND note IS NULL AND p_adjusted < 0.05 AND n >= (SELECT n FROM base)
    ORDER BY effect DESC, question, program
    LIMIT 1
),
findings(ord, figure, text, report) AS (
    SELECT 10 + type_rank,
           printf('%.1f%%', 100.0 * users / type_users),
           printf('%,d of %,d users', users, type_users)
               || CASE WHEN segment IS NULL THEN ' with no ' || learnpath_report_setting('segment_label')
                       ELSE ' whose ' || learnpath_report_setting('segment_label') || ' is ‘'
                            || segment || '’' END
               || ' start with ' || CASE WHEN first_program = '(several at once)'
                                         THEN 'several programs at once'
                                         ELSE '‘' || first_program || '’' END,
           '01'
    FROM top_firsts
    WHERE type_rank <= 3 AND learnpath_report_setting('segment_col') IS NOT NULL
      AND type_users >= (SELECT n FROM base)
    UNION ALL
    SELECT 15,
           printf('%.1f%%', 100.0 * users / continued),
           printf('%,d of the %,d users', users, continued)
               || ' who continued after ‘' || (SELECT first_program FROM top_program)
               || '’ took ' || CASE WHEN next_program = 'several programs at once' THEN next_program
                                   ELSE '‘' || next_program || '’' END || ' next',
           '02'
    FROM next_after
    WHERE continued >= (SELECT n FROM base)
    UNION ALL
    -- 3. how many go on: the Kaplan-Meier estimate within 365 days, which
    -- counts recent users only for the time the data saw them; without it
    -- (no one observed that long), the users who have not continued (yet);
    -- then the median days to the second program of those who did
    SELECT 20,
           printf('%.1f%%', 100.0 * km.continued),
           printf('of users go on to a second program within 365 days (Kaplan-Meier estimate '
                  || 'from %,d users, 95%% interval %.1f-%.1f%%; %,d of them, %.1f%%, have '
                  || 'so far)', t.users, 100.0 * km.low, 100.0 * km.high, t.continued,
                  100.0 * t.continued / t.users),
           '03'
    FROM totals AS t, km
    WHERE t.users >= (SELECT n FROM base)
    UNION ALL
    SELECT 20,
           printf('%.1f%%', 100.0 * (users - continued) / users),
           printf('%,d of %,d users', users - continued, users)
               || ' have not gone on to a second program (yet)',
           '03'
    FROM totals
    WHERE users >= (SELECT n FROM base) AND NOT EXISTS (SELECT 1 FROM km)
    UNION ALL
    SELECT 30,
           printf('%.0f days', median_days_to_next),
           printf('median time from the first program to the second, for the %,d users who continued',
                  continued),
           '03'
    FROM totals
    WHERE median_days_to_next IS NOT NULL AND continued >= (SELECT n FROM base)
    UNION ALL
    SELECT 40,
           printf('%.1f%%', 100.0 * users / (SELECT n FROM all_users)),
           printf('%,d of %,d users', users, (SELECT n FROM all_users))
               || ' took ‘' || program || '’, the most popular program',
           '04'
    FROM popular
    WHERE (SELECT n FROM all_users) >= (SELECT n FROM base)
    UNION ALL
    SELECT 50,
           users,
           'users in ‘' || account || '’, the largest ' || learnpath_report_setting('group_label')
               || printf(' (%.1f%% of %,d users)', 100.0 * users / (SELECT n FROM all_users),
                         (SELECT n FROM all_users)),
           '05'
    FROM account
    WHERE users >= (SELECT n FROM base)
    UNION ALL
    SELECT 60,
           starts,
           'users started in ' || month || ', the busiest month',
           '06'
    FROM busiest
    WHERE starts >= (SELECT n FROM base)
    UNION ALL
    SELECT 70,
           printf('V = %.2f', effect),
           'the strongest difference between the ' || learnpath_report_setting('segment_label')
               || ' groups: '
               || CASE question WHEN 'first_program' THEN 'where they start'
                       ELSE 'where those who start with ‘' || program || '’ go next' END
               || ' (Cramer''s V, chi-square '
               || CASE WHEN p_adjusted = 0 THEN 'p < 1e-300'
                       WHEN p_adjusted < 0.001 THEN printf('p = %.1e', p_adjusted)
                       ELSE printf('p = %.3g', p_adjusted) END
               || printf(', %,d users)', n)
               || CASE WHEN statistic / n < 0.09 THEN '; statistically clear, but small' ELSE '' END,
           CASE question WHEN 'first_program' THEN '01' ELSE '02' END
    FROM strongest
)
SELECT figure, text, report FROM findings ORDER BY ord;
