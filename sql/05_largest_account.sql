-- 05_largest_account.sql - How do the users of the largest {group} learn?
--
-- Question: which {group} has the most users, and for its users: which
--   program do they start with, and where do they go next?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment, and a group column named by the report setting
--   group_col (README rule 16; none unless set), for example:
--     SELECT learnpath_report_setting('group_col', 'account');
--   {group} stands for the group's name (setting group_label, by default
--   the column's name as words) and {segment} for the segment's (setting
--   segment_label). A group value that is NULL or empty is no group.
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/05_largest_account.sql
-- How to read it:
--   A user's {group} is the first non-empty value of the group column in
--   time order (rule 12, as rule 6 picks the segment), so a user is in one
--   {group}, with their whole journey.
--   Table 1: the {group} with the most users (group_stats, rank 1: a tie
--   goes to the first name), its users and their enrollments, and its
--   share of all users. As everywhere (rule 1), rows with an empty user,
--   program or time are not counted. With no group column set, or one
--   whose values are all empty, it holds one line saying so and the other
--   tables are empty.
--   Table 2: as sql/01 table 2, for that {group}'s users only.
--   Table 3: as sql/02, for that {group}'s users only: starters, users
--   going to each next program, % of starters and % of those who continued.
--   The {group} is chosen by group_stats, never named here, and passed to
--   the learnpath functions as group_value. To study another one, put its
--   name or another rank there.
--   Last, how the {group}'s users differ from everyone else's: whether they
--   start with other programs (chi-square test, Cramer's V: 0 to 1, how
--   large), and whether they go on to a second program at another pace
--   (log-rank test, hazard ratio: 1 = as fast; then, among the users the
--   data saw for 365 days, the difference of the shares who went on, with
--   its 95% interval). A small p-value says the difference could hardly be
--   chance, not that it is large.
.load dist/learnpath
.headers on
.mode box

.print 'The largest group'
SELECT group_value AS "group",
       users,
       enrollments,
       round(100.0 * share_of_users, 1) AS pct_of_all_users
FROM group_stats('enrollments')
WHERE group_col = learnpath_report_setting('group_col') AND rank = 1;
SELECT CASE WHEN learnpath_report_setting('group_col') IS NULL
            THEN 'No group column is set, so there is no largest group to show. To set one: '
                 || 'SELECT learnpath_report_setting('
                 || '''group_col'', ''column name''); or make '
                 || 'report GROUP_COL=''column name''.'
            ELSE 'No user has a group: every value of the column '
                 || learnpath_report_setting('group_col') || ' is NULL or empty.' END AS note
WHERE NOT EXISTS (SELECT 1 FROM group_stats('enrollments')
                  WHERE group_col = learnpath_report_setting('group_col') AND rank = 1);

.print ''
.print 'The largest group: first program'
-- first_program_stats() counts, in C, the group's users per segment and
-- first program (group_value keeps that group's users; program NULL is
-- its per-segment total row, not needed here). Tie groups ('A + B') fold
-- into '(several at once)', a sum over its few rows.
WITH largest AS (
    SELECT group_value FROM group_stats('enrollments')
    WHERE group_col = learnpath_report_setting('group_col') AND rank = 1
),
stats AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           users
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    WHERE EXISTS (SELECT 1 FROM largest) -- none: no rows (not every user's)
      AND group_col = learnpath_report_setting('group_col')
      AND group_value = (SELECT group_value FROM largest)
      AND program IS NOT NULL
)
SELECT segment,
       first_program,
       sum(users) AS users,
       round(100.0 * sum(users) / sum(sum(users)) OVER (PARTITION BY segment), 1) AS pct_of_segment
FROM stats
GROUP BY segment, first_program
ORDER BY segment, users DESC, first_program;

.print ''
.print 'The largest group: initial -> next program'
WITH largest AS (
    SELECT group_value FROM group_stats('enrollments')
    WHERE group_col = learnpath_report_setting('group_col') AND rank = 1
),
step1 AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           CASE WHEN from_tied THEN '(several at once)' ELSE from_program END AS initial_program,
           CASE WHEN to_program IS NULL THEN '(did not continue)'
                WHEN to_tied THEN '(several at once)' ELSE to_program END AS next_program,
           users
    FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    WHERE EXISTS (SELECT 1 FROM largest) -- none: no rows (not every user's)
      AND group_col = learnpath_report_setting('group_col')
      AND group_value = (SELECT group_value FROM largest)
      AND step = 1
),
folded AS (
    SELECT segment, initial_program, next_program, sum(users) AS users
    FROM step1
    GROUP BY segment, initial_program, next_program
)
SELECT segment,
       initial_program,
       sum(users) OVER (PARTITION BY segment, initial_program) AS starters,
       next_program,
       users,
       round(100.0 * users / sum(users) OVER (PARTITION BY segment, initial_program), 1)
           AS pct_of_starters,
       CASE WHEN next_program <> '(did not continue)' THEN
           round(100.0 * users / sum(CASE WHEN next_program <> '(did not continue)' THEN users END)
                                 OVER (PARTITION BY segment, initial_program), 1)
       END AS pct_of_continuers
FROM folded
ORDER BY segment, starters DESC, initial_program, users DESC, next_program;

.print ''
.print 'How the users of the largest group differ from everyone else'
-- segment_compare() with compare_group = 'largest' compares the largest
-- group's users with all other users (those with no group included) in C
-- (learnpath rules 22-23): the mix of first programs (chi-square test) and
-- the time to a second program (log-rank test; at_days = 365 the shares
-- gone on among users seen for a full year).
WITH largest AS (
    SELECT group_value FROM group_stats('enrollments')
    WHERE group_col = learnpath_report_setting('group_col') AND rank = 1
),
c AS (
    SELECT question, day, test, note, statistic, p_value, effect, effect_lower, effect_upper, n,
           CASE WHEN p_value = 0 THEN 'p < 1e-300'
                WHEN p_value < 0.001 THEN 'p = ' || printf('%.1e', p_value)
                ELSE 'p = ' || printf('%.3g', p_value) END AS p_text,
           (SELECT group_value FROM largest) AS name
    FROM segment_compare('enrollments')
    WHERE EXISTS (SELECT 1 FROM largest) -- none: no rows
      AND group_col = learnpath_report_setting('group_col')
      -- (without a group, no compare_group: the test would stop with an error)
      AND compare_group = (SELECT CASE WHEN EXISTS (SELECT 1 FROM largest) THEN 'largest' END)
      AND at_days = 365 AND program IS NULL AND within_segment IS NULL
),
lines AS (
    SELECT 1 AS k,
           CASE WHEN note IS NOT NULL THEN 'No test of where its users start: ' || note || '.'
                WHEN p_value >= 0.05 THEN
                    'No evidence that the users of ' || name || ' start with other programs than '
                    || 'everyone else: chi-square ' || p_text || ', Cramer''s V = '
                    || printf('%.2f', effect) || ', ' || printf('%,d', n) || ' users.'
                ELSE 'The users of ' || name || ' start with other programs than everyone else: '
                    || 'Cramer''s V = ' || printf('%.2f', effect) || ', chi-square ' || p_text || ', '
                    || printf('%,d', n) || ' users'
                    || CASE WHEN statistic / n < 0.09 THEN ': statistically clear, but small.'
                            ELSE '.' END
           END AS line
    FROM c WHERE question = 'first_program' AND test = 'pearson_chi2'
    UNION ALL
    SELECT 2,
           CASE WHEN note IS NOT NULL THEN 'No test of whether its users continue: ' || note || '.'
                WHEN p_value >= 0.05 THEN
                    'No evidence that the users of ' || name || ' go on to a second program at another '
                    || 'pace than everyone else: log-rank ' || p_text
                    || CASE WHEN effect IS NOT NULL THEN ', hazard ratio ' || printf('%.2f', effect) ELSE '' END
                    || '.'
                ELSE 'The users of ' || name || ' go on to a second program at another pace than '
                    || 'everyone else: log-rank ' || p_text
                    || CASE WHEN effect IS NOT NULL THEN ', hazard ratio ' || printf('%.2f', effect)
                            || ' (their pace against everyone else''s)' ELSE '' END
                    || CASE WHEN effect BETWEEN 0.9 AND 1 / 0.9 THEN ': statistically clear, but small.'
                            ELSE '.' END
           END
    FROM c WHERE question = 'continued' AND test = 'log_rank'
    UNION ALL
    SELECT 3,
           CASE WHEN note IS NOT NULL THEN 'Among the users seen for 365 days: ' || note || '.'
                ELSE 'Among the ' || printf('%,d', n) || ' users the data saw for 365 days or more, '
                    || name || ' minus everyone else: ' || printf('%+.1f', 100.0 * effect)
                    || ' points of going on within 365 days (95% interval '
                    || printf('%.1f', 100.0 * effect_lower) || ' to '
                    || printf('%.1f', 100.0 * effect_upper) || '), '
                    || CASE test WHEN 'fisher_exact' THEN 'Fisher''s exact test '
                                 ELSE 'two-proportion z test ' END || p_text || '.'
           END
    FROM c WHERE question = 'continued' AND day IS NOT NULL
)
SELECT line AS difference
FROM lines
ORDER BY k;
