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
--   Table 1: the account with the most distinct users (NULL and empty
--   accounts ignored; a tie goes to the first name), its users and
--   enrollments, and its share of all users. Like the learnpath functions
--   (rule 1), rows with an empty user, program or time are not counted.
--   Table 2: as sql/01 table 2, for that account's users only.
--   Table 3: as sql/02, for that account's users only: starters, users
--   going to each next program, % of starters and % of those who continued.
--   The account is chosen by SQL, never named here: the TEMP VIEW
--   largest_account_enrollments holds its rows and is passed by name to the
--   learnpath functions (they read any table or view). To study another
--   account, change the view's WHERE clause.
.load dist/learnpath
.headers on
.mode box

DROP VIEW IF EXISTS temp.largest_account_enrollments;
CREATE TEMP VIEW largest_account_enrollments AS
SELECT *
FROM enrollments
WHERE account = (
    SELECT account
    FROM enrollments
    WHERE coalesce(account, '') <> ''
      AND coalesce(user_id, '') <> ''
      AND coalesce(program, '') <> ''
      AND coalesce(enrolled_at, '') <> ''
    GROUP BY account
    ORDER BY count(DISTINCT user_id) DESC, account
    LIMIT 1
);

.print 'Largest corporate account'
WITH valid AS (
    -- enrollments as learnpath counts them (rule 1: no empty user, program, time)
    SELECT *
    FROM enrollments
    WHERE coalesce(user_id, '') <> ''
      AND coalesce(program, '') <> ''
      AND coalesce(enrolled_at, '') <> ''
)
SELECT account,
       count(DISTINCT user_id) AS users,
       count(*) AS enrollments,
       round(100.0 * count(DISTINCT user_id) / (SELECT count(DISTINCT user_id) FROM valid), 1)
           AS pct_of_all_users
FROM valid
WHERE account IN (SELECT account FROM largest_account_enrollments)
GROUP BY account;

.print ''
.print 'Largest account: first program, by user type'
WITH firsts AS (
    SELECT coalesce(segment, '(no user type)') AS user_type,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program
    FROM first_program('largest_account_enrollments',
                       'user_id', 'program', 'enrolled_at', 'user_type')
)
SELECT user_type,
       first_program,
       CASE WHEN first_program = 'Flagship' THEN 'flagship'
            WHEN first_program = '(several at once)' THEN 'several at once'
            ELSE 'ancillary' END AS kind,
       count(*) AS users,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY user_type), 1) AS pct_of_type
FROM firsts
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
    FROM program_transitions('largest_account_enrollments',
                             'user_id', 'program', 'enrolled_at', 'user_type')
    WHERE step = 1
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
