-- 07_time_to_next.sql - chart for sql/07: % gone on to a second program, by day.
--
-- Draws: one step curve per {segment}: the Kaplan-Meier estimate of the %
--   of users who have gone on to a second program by each day since their
--   first enrollment, with its 95% band (sql/07's table 2, every 7 days of
--   the first ten years).
-- Run (from the repository root, after `make`); prints one SVG document:
--   sqlite3 DB < sql/charts/07_time_to_next.sql > time_to_next.svg
-- `make report` embeds it in the HTML report under sql/07's section.
.load dist/learnpath
.headers off
.mode list

-- continuation_curve() with at_days gives each curve's value on the days
-- listed: here every 7 days of the first ten years (made by a recursive
-- query, so the chart holds a few hundred steps a curve, not one per user).
-- continued = 1 - survival, and its band is 1 - upper to 1 - lower. Days
-- after the longest time a user was seen (at_risk = 0) are left out, but
-- the day by which everyone had gone on (survival 0: the step to 100%).
WITH RECURSIVE days(d) AS (
    SELECT 0
    UNION ALL
    SELECT d + 7 FROM days WHERE d + 7 <= 3652
),
curve AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           day, continued, 1 - upper AS low, 1 - lower AS high
    FROM continuation_curve('enrollments', 'user_id', 'program', 'enrolled_at',
                            learnpath_report_setting('segment_col'))
    WHERE program IS NULL AND (at_risk > 0 OR (survival = 0 AND events > 0))
      AND at_days = (SELECT group_concat(d) FROM days)
)
SELECT curve_svg(segment, day, continued, low, high,
                 '% of users gone on to a second program, by days since their first enrollment')
FROM curve;
