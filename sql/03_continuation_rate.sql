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
.load dist/learnpath
.headers on
.mode box

-- first_program_stats() aggregates in C: one row per {segment} and first
-- program, and a total row per {segment} (program NULL); without a
-- segment column it gives the grand total. Tie groups ('A + B') fold into
-- '(several at once)'. continuation_curve() gives, for the same groups, the
-- Kaplan-Meier estimate of the share who continue within 365 days (README
-- rule 18) and its 95% interval; at_risk = 0 there means nobody in the
-- group was observed for 365 days: no estimate. It is asked for the days
-- sql/07 lists (30, 90, 180 and 365) and read at 365: the same days give
-- the same curve rows, which learnpath computes once for the connection.
WITH km AS (
    SELECT segment, program,
           CASE WHEN at_risk > 0 THEN continued END AS km_rate,
           CASE WHEN at_risk > 0 THEN 1 - upper END AS km_low,
           CASE WHEN at_risk > 0 THEN 1 - lower END AS km_high
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
           CASE WHEN k.at_risk > 0 THEN k.continued END,
           CASE WHEN k.at_risk > 0 THEN 1 - k.upper END,
           CASE WHEN k.at_risk > 0 THEN 1 - k.lower END
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
