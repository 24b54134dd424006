-- 06_monthly_starts.sql - chart for sql/06: users starting each month.
--
-- Draws: one stacked bar per month (YYYY-MM, UTC) from the first
--   enrollment's month to the last one's, months without starts included;
--   a segment per first program, the month's total above the bar. Unlike
--   sql/06, the programs are not listed by name: every first program gets
--   its own series, and same-instant steps (learnpath rule 4) are
--   '(several at once)'.
-- Run (from the repository root, after `make`); prints one SVG document:
--   sqlite3 DB < sql/charts/06_monthly_starts.sql > monthly.svg
-- `make report` embeds it in the HTML report under sql/06's section.
.load dist/learnpath
.headers off
.mode list

-- first_program_monthly() has a row for every month and first program, 0
-- where nobody started, so a month without starts still shows; the tie
-- groups' rows add up under '(several at once)'.
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
)
SELECT bar_svg(month, CASE WHEN tied THEN '(several at once)' ELSE program END, users,
               'Users starting each month, by first program', 'stacked',
               (SELECT names FROM palette))
FROM first_program_monthly('enrollments', 'user_id', 'program', 'enrolled_at');
