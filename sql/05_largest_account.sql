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
