-- 03_continuation_rate.sql - Do users continue beyond their first program?
--
-- Question: by {segment} and first program, how many users went on to a
--   second program, what % is that, and how long did they take (median
--   days from the first program's start to the next one's)?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment; the segment column is the report setting segment_col
--   (README rule 16; default user_type, '' for none), and {segment} in
--   these comments stands for its name (setting segment_label).
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/03_continuation_rate.sql
-- How to read it:
--   users = users of that {segment} who started with first_program; continued =
--   those with a second program; pct_continued = continued / users (so
--   100 - pct_continued never continued). median_days_to_next is over the
--   users who continued (empty when none did). '(all first programs)' rows
--   total each {segment}; the '(all users)' row totals everyone.
--   '(several at once)' = users whose first step was two or more programs
--   at the same instant (learnpath rule 4); when it folds more than one
--   such combination its median and estimate are left empty (they do not
--   add up). Consecutive repeats of one program are not a continuation
--   (rule 5, 'collapse').
--   pct_within_365_days is the Kaplan-Meier estimate of the share who go on
--   within 365 days of their first program (learnpath rules 17-18), with
--   its 95% interval: pct_continued counts a user who started a month
--   before the data ends as not continued, while the estimate counts each
--   user only for the time the data could see them, so it is higher where
--   many users are recent. It is empty where no one in the group was
--   observed for 365 days.
--   Last, do the {segment} groups differ in whether they continue? The
--   log-rank test compares the groups' whole curves of going on, each user
--   counted for the time the data saw them (its p-value: small means the
--   difference could hardly be chance; the hazard ratio: how much faster
--   the first group goes on than the second, 1 = as fast); then, among the
--   users the data saw for a full 365 days, the two shares who went on and
--   their difference with its 95% interval; last, the first programs where
--   the groups differ (p-values adjusted for testing each first program,
--   Holm's method). A p-value says nothing of why, nor of how much it
--   matters.
.load dist/learnpath
.headers on
.mode box

.print 'Continued to a second program, by first program'
-- first_program_stats() aggregates in C: one row per {segment} and first
-- program, and a total row per {segment} (program NULL); without a
-- segment column it gives the grand total. Tie groups ('A + B') fold into
-- '(several at once)'. continuation_curve() gives, for the same groups, the
-- Kaplan-Meier estimate of the share who continue within 365 days (README
-- rule 18) and its 95% interval; at_risk = 0 there means nobody in the
-- group was observed for 365 days: no estimate (unless every one of them
-- had gone on before: survival 0, 100%). It is asked for the days
-- sql/07 lists (30, 90, 180 and 365) and read at 365: the same days give
-- the same curve rows, which learnpath computes once for the connection.
WITH km AS (
    SELECT segment, program,
           CASE WHEN at_risk > 0 OR survival = 0 THEN continued END AS km_rate,
           CASE WHEN at_risk > 0 OR survival = 0 THEN 1 - upper END AS km_low,
           CASE WHEN at_risk > 0 OR survival = 0 THEN 1 - lower END AS km_high
    FROM continuation_curve('enrollments', 'user_id', 'program', 'enrolled_at',
                            learnpath_report_setting('segment_col'))
    WHERE at_days = '30,90,180,365' AND day = 365
),
stats AS (
    SELECT coalesce(f.segment, '(no ' || learnpath_report_setting('segment_label') || ')')
               AS segment,
           CASE WHEN f.program IS NULL THEN '(all first programs)'
                WHEN f.tied THEN '(several at once)'
                ELSE f.program END AS first_program,
           f.program IS NULL AS is_total,
           f.users, f.continued, f.median_days_to_next, k.km_rate, k.km_low, k.km_high
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col')) AS f
    LEFT JOIN km AS k ON k.segment IS f.segment AND k.program IS f.program
    UNION ALL
    SELECT '(all users)', '(all first programs)', 1,
           f.users, f.continued, f.median_days_to_next,
           CASE WHEN k.at_risk > 0 OR k.survival = 0 THEN k.continued END,
           CASE WHEN k.at_risk > 0 OR k.survival = 0 THEN 1 - k.upper END,
           CASE WHEN k.at_risk > 0 OR k.survival = 0 THEN 1 - k.lower END
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at') AS f,
         continuation_curve('enrollments', 'user_id', 'program', 'enrolled_at') AS k
    WHERE f.program IS NULL AND k.program IS NULL AND k.at_days = '30,90,180,365' AND k.day = 365
),
folded AS (
    SELECT segment, first_program, max(is_total) AS is_total,
           sum(users) AS users, sum(continued) AS continued,
           -- a median or an estimate is known for one group; several folded
           -- tie groups have none
           CASE WHEN count(*) = 1 THEN max(median_days_to_next) END AS median_days_to_next,
           CASE WHEN count(*) = 1 THEN max(km_rate) END AS km_rate,
           CASE WHEN count(*) = 1 THEN max(km_low) END AS km_low,
           CASE WHEN count(*) = 1 THEN max(km_high) END AS km_high
    FROM stats
    GROUP BY segment, first_program
)
SELECT segment,
       first_program,
       users,
       continued,
       round(100.0 * continued / users, 1) AS pct_continued,
       round(100.0 * km_rate, 1) AS pct_within_365_days,
       round(100.0 * km_low, 1) || '-' || round(100.0 * km_high, 1) AS interval_95,
       round(median_days_to_next, 1) AS median_days_to_next
FROM folded
ORDER BY segment = '(all users)', segment, is_total, users DESC, first_program;

.print ''
.print 'Do the groups differ in whether they continue?'
-- segment_compare() tests in C (learnpath rules 22-23; the numbers are R's
-- survdiff and scipy's): the log-rank test of the time to a second program
-- over all first programs and per first program (p_adjusted: Holm's method
-- across the first programs), and at_days = 365, among the users observed
-- for the whole 365 days, the two-proportion z test (Fisher's exact test
-- when a group is small; with more than two groups the chi-square test).
WITH c AS (
    SELECT program, day, test, note, statistic, p_value, log10_p, p_adjusted, effect,
           effect_lower, effect_upper, n,
           CASE WHEN p_value = 0 THEN 'p < 1e-300'
                WHEN p_value < 0.001 THEN 'p = ' || printf('%.1e', p_value)
                ELSE 'p = ' || printf('%.3g', p_value) END AS p_text
    FROM segment_compare('enrollments', 'user_id', 'program', 'enrolled_at',
                         learnpath_report_setting('segment_col'))
    WHERE question = 'continued' AND within_segment IS NULL AND at_days = 365
),
groups AS (
    SELECT group_concat(segment, ', ') AS names, count(*) AS k,
           learnpath_report_setting('segment_label') AS label
    FROM (SELECT segment
          FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                                   learnpath_report_setting('segment_col'))
          WHERE program IS NULL AND segment IS NOT NULL
          ORDER BY segment)
),
-- the two segments of the horizon's z or Fisher test, in name order: its
-- difference is the first one's share less the second one's
pair AS (
    SELECT min(segment) AS first_name, max(segment) AS second_name
    FROM segment_cells('enrollments', 'user_id', 'program', 'enrolled_at',
                       learnpath_report_setting('segment_col'))
    WHERE question = 'continued' AND program IS NULL AND day IS NOT NULL
      AND within_segment IS NULL AND at_days = 365
),
lines AS (
    SELECT 1 AS k,
           CASE WHEN learnpath_report_setting('segment_col') IS NULL THEN
                    'No segment column is set (setting segment_col), so there are no groups to compare.'
                WHEN note IS NOT NULL THEN
                    'No test of whether the ' || label || ' groups continue differently: ' || note || '.'
                WHEN p_value >= 0.05 THEN
                    'No evidence that the ' || label || ' groups (' || names || ') differ in whether '
                    || 'they go on to a second program: log-rank ' || p_text
                    || CASE WHEN effect IS NOT NULL THEN ', hazard ratio ' || printf('%.2f', effect) ELSE '' END || ', '
                    || printf('%,d', n) || ' users.'
                ELSE 'The ' || label || ' groups (' || names || ') go on to a second program at '
                    || 'different rates: log-rank ' || p_text
                    || CASE WHEN effect IS NOT NULL THEN ', hazard ratio ' || printf('%.2f', effect)
                                || ' (the first group''s pace of going on against the second''s)' ELSE '' END
                    || ', ' || printf('%,d', n) || ' users'
                    || CASE WHEN effect BETWEEN 0.9 AND 1 / 0.9 THEN ': statistically clear, but small.'
                            ELSE '.' END
           END AS line
    FROM c, groups
    WHERE c.program IS NULL AND c.test = 'log_rank'
    UNION ALL
    SELECT 2,
           CASE WHEN note IS NOT NULL THEN 'Among the users seen for 365 days: ' || note || '.'
                WHEN test IN ('two_proportion_z', 'fisher_exact') THEN
                    'Among the ' || printf('%,d', n) || ' users the data saw for 365 days or more, '
                    || first_name || ' minus ' || second_name || ': '
                    || printf('%+.1f', 100.0 * effect)
                    || ' points of going on within 365 days (95% interval '
                    || printf('%.1f', 100.0 * effect_lower) || ' to '
                    || printf('%.1f', 100.0 * effect_upper) || '), '
                    || CASE test WHEN 'fisher_exact' THEN 'Fisher''s exact test '
                                 ELSE 'two-proportion z test ' END || p_text || '.'
                ELSE 'Among the ' || printf('%,d', n) || ' users the data saw for 365 days or more, '
                    || 'the share who went on within 365 days '
                    || CASE WHEN p_value < 0.05 THEN 'differs between the groups' ELSE 'shows no evidence of a difference' END
                    || ': chi-square ' || p_text || ', Cramer''s V = ' || printf('%.2f', effect) || '.'
           END
    FROM c, groups, pair
    WHERE c.program IS NULL AND c.day IS NOT NULL AND c.test <> 'g_test'
      AND learnpath_report_setting('segment_col') IS NOT NULL
    UNION ALL
    SELECT 3,
           'By first program (log-rank, p adjusted over the ' || m || ' first programs tested): '
           || CASE WHEN nsig = 0 THEN 'no first program shows a difference (the smallest adjusted p is '
                                      || printf('%.3g', pmin) || ').'
                   ELSE 'the groups differ for ' || sig || '.' END
    FROM (SELECT count(*) AS m, sum(p_adjusted < 0.05) AS nsig, min(p_adjusted) AS pmin,
                 group_concat(CASE WHEN p_adjusted < 0.05 THEN program || ' (adjusted '
                                   || CASE WHEN p_adjusted < 0.001 THEN 'p = ' || printf('%.1e', p_adjusted)
                                           ELSE 'p = ' || printf('%.3g', p_adjusted) END || ')' END,
                              ', ') AS sig
          FROM c
          WHERE program IS NOT NULL AND test = 'log_rank' AND note IS NULL)
    WHERE m > 0 AND learnpath_report_setting('segment_col') IS NOT NULL
)
SELECT line AS difference
FROM lines
ORDER BY k;
