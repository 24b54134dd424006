-- 07_time_to_next.sql - How long until a second program?
--
-- Question: for each {segment}, what share of users has gone on to a second
--   program 30, 90, 180 and 365 days after starting, counting every user
--   only for as long as the data could see them, and after how many days
--   have half of them gone on?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment; the segment column is the report setting segment_col
--   (README rule 16; default user_type, '' for none), and {segment} in
--   these comments stands for its name (setting segment_label).
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/07_time_to_next.sql
-- How to read it:
--   A user who started a month before the data ends has had a month to go
--   on: counted as "did not continue", they make a plain share too low.
--   These figures are Kaplan-Meier estimates (learnpath rules 17-19): each
--   user counts only for the days the data saw them (until the last
--   enrollment in the data), as survival analysis does; R's survival
--   package gives the same numbers.
--   Table 1: per {segment} and over all users, the users, those who went on,
--   those still waiting when the data ends (censored), and the median days
--   to a second program with its 95% interval ("NA" where a bound's curve
--   never reaches one half, as R prints it); "not reached" when fewer than
--   half are estimated to go on within the time the data covers.
--   Table 2: the estimated % who have gone on by day 30, 90, 180 and 365,
--   with the 95% interval, and how many users were still observed (at
--   risk) on that day; empty past the longest time observed.
--   Table 3: per month of first enrollment (all users), the % who went on
--   within 90 and within 365 days among the users the data saw that long
--   (empty where nobody was), each beside the naive % over all the month's
--   users: near the end of the data the naive % falls because its users had
--   no time to go on, not because they go on less.
.load dist/learnpath
.headers on
.mode box

.print 'Time to a second program: users and medians'
-- continuation_stats() computes, in C from the one read of the table, one
-- row per segment and first program; program NULL is the segment's row
-- over every first program (and, without a segment column, all users).
WITH stats AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           0 AS is_total, users, continued, censored, median_days, median_lower, median_upper
    FROM continuation_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                            learnpath_report_setting('segment_col'))
    WHERE program IS NULL
    UNION ALL
    SELECT '(all users)', 1, users, continued, censored, median_days, median_lower, median_upper
    FROM continuation_stats('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE program IS NULL
)
SELECT segment,
       users,
       continued,
       censored,
       coalesce(CAST(round(median_days, 1) AS TEXT), 'not reached') AS median_days,
       CASE WHEN median_days IS NOT NULL OR median_lower IS NOT NULL THEN
           coalesce(CAST(round(median_lower, 1) AS TEXT), 'NA') || '-'
           || coalesce(CAST(round(median_upper, 1) AS TEXT), 'NA') END AS interval_95
FROM stats
ORDER BY is_total, users DESC, segment;

.print ''
.print 'Share gone on to a second program, by day'
-- continuation_curve() with at_days: the curve's value on each of those
-- days (continued = 1 - survival; the band of continued is 1 - the band of
-- survival); at_risk = 0: nobody observed that long (unless everyone had
-- gone on before: survival 0, 100%).
WITH curve AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           0 AS is_total, day, at_risk, survival, continued, 1 - upper AS low, 1 - lower AS high
    FROM continuation_curve('enrollments', 'user_id', 'program', 'enrolled_at',
                            learnpath_report_setting('segment_col'))
    WHERE program IS NULL AND at_days = '30,90,180,365'
    UNION ALL
    SELECT '(all users)', 1, day, at_risk, survival, continued, 1 - upper, 1 - lower
    FROM continuation_curve('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE program IS NULL AND at_days = '30,90,180,365'
)
SELECT segment,
       CAST(day AS INTEGER) AS day,
       at_risk,
       CASE WHEN at_risk > 0 OR survival = 0 THEN round(100.0 * continued, 1) END AS pct_gone_on,
       CASE WHEN at_risk > 0 THEN round(100.0 * low, 1) || '-' || round(100.0 * high, 1) END
           AS interval_95
FROM curve
ORDER BY is_total, segment, day;

.print ''
.print 'By month of start: who had the time to go on, and who did'
-- continuation_cohorts() groups users by the month of their first
-- enrollment (over all {segment} values). For a window of W days a user is
-- eligible when the data saw them for at least W days: the observed % counts
-- only those, so the last months, whose users were not seen that long, show
-- no observed % rather than a low one. The naive % divides by every user of
-- the month, seen long enough or not.
WITH c AS (
    SELECT cohort, window_days, users, eligible, rate, rate_naive
    FROM continuation_cohorts('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE windows = '90,365'
)
SELECT c90.cohort,
       c90.users,
       round(100.0 * c90.rate, 1) AS pct_in_90_days,
       round(100.0 * c90.rate_naive, 1) AS naive_90,
       round(100.0 * c365.rate, 1) AS pct_in_365_days,
       round(100.0 * c365.rate_naive, 1) AS naive_365
FROM c AS c90
JOIN c AS c365 ON c365.cohort = c90.cohort AND c365.window_days = 365
WHERE c90.window_days = 90
ORDER BY c90.cohort;
