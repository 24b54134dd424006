-- 05_largest_account.sql - How do the users of the largest corporate account learn?
--
-- Question: which corporate account has the most users, and for its users:
--   which program do they start with, and where do they go next?
-- Expects: table enrollments(user_id, program, enrolled_at, user_type,
--   account), one row per enrollment; account is NULL or empty for users
--   without one (a CSV import turns NULL into '').
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/05_largest_account.sql
-- How to read it:
--   A user's account is the first non-empty account of their enrollments
--   (rule 12: in time order, as rule 6 picks the user type), so a user is
--   in one account, with their whole journey. NULL and empty accounts are
--   no account.
--   Table 1: the account with the most users (group_stats, rank 1: a tie
--   goes to the first name), its users and their enrollments, and its
--   share of all users. As everywhere (rule 1), rows with an empty user,
--   program or time are not counted.
--   Table 2: as sql/01 table 2, for that account's users only.
--   Table 3: as sql/02, for that account's users only: starters, users
--   going to each next program, % of starters and % of those who continued.
--   The account is chosen by group_stats, never named here, and passed to
--   the learnpath functions as group_value. To study another account, put
--   its name (group_value = 'Corp 016') or another rank there.
.load dist/learnpath
.headers on
.mode box

.print 'Largest corporate account'
SELECT group_value AS account,
       users,
       enrollments,
       round(100.0 * share_of_users, 1) AS pct_of_all_users
FROM group_stats('enrollments') WHERE group_col = 'account' AND rank = 1;

.print ''
.print 'Largest account: first program, by user type'
-- first_program_stats() counts, in C, the account's users per user type and
-- first program (group_value keeps that account's users; program NULL is
-- its per-type total row, not needed here). Tie groups ('A + B') fold into
-- '(several at once)', a sum over its few rows.
WITH stats AS (
    SELECT coalesce(segment, '(no user type)') AS user_type,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           users
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
    WHERE group_col = 'account'
      AND group_value = (SELECT group_value FROM group_stats('enrollments')
                         WHERE group_col = 'account' AND rank = 1)
      AND program IS NOT NULL
)
SELECT user_type,
       first_program,
       CASE WHEN first_program = 'Flagship' THEN 'flagship'
            WHEN first_program = '(several at once)' THEN 'several at once'
            ELSE 'ancillary' END AS kind,
       sum(users) AS users,
       round(100.0 * sum(users) / sum(sum(users)) OVER (PARTITION BY user_type), 1) AS pct_of_type
FROM stats
GROUP BY user_type, first_program
ORDER BY user_type, users DESC, first_program;

.print ''
.print 'Largest account: initial -> next program, by user type'
WITH step1 AS (
    SELECT coalesce(segment, '(no user type)') AS user_type,
           CASE WHEN from_tied THEN '(several at once)' ELSE from_program END AS initial_program,
           CASE WHEN to_program IS NULL THEN '(did not continue)'
                WHEN to_tied THEN '(several at once)' ELSE to_program END AS next_program,
           users
    FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
    WHERE group_col = 'account'
      AND group_value = (SELECT group_value FROM group_stats('enrollments')
                         WHERE group_col = 'account' AND rank = 1)
      AND step = 1
),
folded AS (
    SELECT user_type, initial_program, next_program, sum(users) AS users
    FROM step1
    GROUP BY user_type, initial_program, next_program
)
SELECT user_type,
       initial_program,
       sum(users) OVER (PARTITION BY user_type, initial_program) AS starters,
       next_program,
       users,
       round(100.0 * users / sum(users) OVER (PARTITION BY user_type, initial_program), 1)
           AS pct_of_starters,
       CASE WHEN next_program <> '(did not continue)' THEN
           round(100.0 * users / sum(CASE WHEN next_program <> '(did not continue)' THEN users END)
                                 OVER (PARTITION BY user_type, initial_program), 1)
       END AS pct_of_continuers
FROM folded
ORDER BY user_type, starters DESC, initial_program, users DESC, next_program;
