-- 01_first_program_share.sql - chart for sql/01: first program, by {segment}.
--
-- Draws: one stacked bar per {segment}, a segment per first program (the
--   users who started with it), the type's total above the bar. Same
--   grouping as sql/01 table 2: a first step of several programs at the
--   same instant (learnpath rule 4) is '(several at once)'.
-- Run (from the repository root, after `make`); prints one SVG document:
--   sqlite3 DB < sql/charts/01_first_program_share.sql > first_program.svg
-- `make report` embeds it in the HTML report under sql/01's section.
.load dist/learnpath
.headers off
.mode list

-- first_program_stats() counts the users per {segment} and first program
-- in C (program NULL is its per-type total row, not drawn). Its tie groups
-- ('A + B', tied = 1) are one label each; they fold into
-- '(several at once)' here, a sum over its few rows.
WITH
-- The page's colours (README rule 15): one palette for every chart, so a
-- program has one colour on the whole page: programs by the users who ever
-- took one (program_popularity over all users), '(several at once)' by the
-- users whose first step it was (chart_palette sums them, heaviest
-- first); the first 12 get a colour each.
palette AS (
    SELECT chart_palette(name, users) AS names
    FROM (SELECT program AS name, users
          FROM program_popularity('enrollments', 'user_id', 'program', 'enrolled_at')
          UNION ALL
          SELECT '(several at once)', users
          FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at')
          WHERE tied)
),
stats AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           users
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    WHERE program IS NOT NULL
)
SELECT bar_svg(segment, first_program, users,
               'First program, by ' || learnpath_report_setting('segment_label'), 'stacked',
               (SELECT names FROM palette))
FROM (SELECT segment, first_program, sum(users) AS users
      FROM stats
      GROUP BY segment, first_program);
