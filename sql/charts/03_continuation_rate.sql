-- 03_continuation_rate.sql - chart for sql/03: % who continued.
--
-- Draws: grouped bars, one group per first program plus '(all first
--   programs)', one bar per {segment}: the % of those users who went on to
--   a second program (sql/03's pct_continued).
-- Run (from the repository root, after `make`); prints one SVG document:
--   sqlite3 DB < sql/charts/03_continuation_rate.sql > continuation.svg
-- `make report` embeds it in the HTML report under sql/03's section.
.load dist/learnpath
.headers off
.mode list

-- first_program_stats() counts, in C, the users per {segment} and first
-- program and those of them who continued; its total row per {segment}
-- (program NULL) is '(all first programs)'. Tie groups ('A + B') fold into
-- '(several at once)': their users and continuers add up, and the % is
-- computed from the sums.
WITH stats AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           CASE WHEN program IS NULL THEN '(all first programs)'
                WHEN tied THEN '(several at once)'
                ELSE program END AS first_program,
           users, continued
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
),
folded AS (
    SELECT first_program, segment,
           round(100.0 * sum(continued) / sum(users), 1) AS pct
    FROM stats
    GROUP BY first_program, segment
)
SELECT bar_svg(first_program, segment, pct,
               '% of users who continued to a second program, by first program')
FROM folded;
