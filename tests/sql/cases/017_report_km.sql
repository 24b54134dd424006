-- sql/03's Kaplan-Meier column (rules 17-18) on four users, hand-checked.
-- E, the last enrollment, is day 400 (2021-02-05). u1 goes on at day 100
-- (an event at 100), u2 never does (censored at 400 - 0 = 400), u3 starts
-- at day 200 (censored at 200), u4 goes on at day 400 (an event at 400,
-- after the 365 days). At day 100: 4 at risk, 1 event: S = 0.75; no other
-- event by day 365, so 25.0% continue within 365 days; at day 365 two
-- users (u2, u4) are still at risk, so the estimate is shown. Greenwood:
-- 1 / (4 * 3) = 1/12, sigma 0.288675; the 'log' band of S is 0.75
-- exp(-+1.959964 * 0.288675) = 0.425947 to 1.320 (capped at 1), so the
-- share continuing lies in 0.0-57.4. The naive share is 2 of 4 = 50.0%:
-- u4's second program came after 365 days.
.load dist/learnpath
CREATE TABLE enrollments(user_id, program, enrolled_at, user_type);
INSERT INTO enrollments VALUES
    ('u1', 'A', date('2020-01-01'), 'x'), ('u1', 'B', date('2020-01-01', '+100 days'), 'x'),
    ('u2', 'A', date('2020-01-01'), 'x'),
    ('u3', 'A', date('2020-01-01', '+200 days'), 'x'),
    ('u4', 'A', date('2020-01-01'), 'x'), ('u4', 'B', date('2020-01-01', '+400 days'), 'x');
-- All four users are of one user type ('x'): the test lines of sql/03 say
-- there are fewer than two groups with users.
.read sql/03_continuation_rate.sql
-- sql/07 on the same users. At day 400 two are at risk (u2 censored there,
-- u4's event): S = 0.75 * (1 - 1/2) = 0.375, the first value <= 0.5: the
-- median is 400 days. Greenwood adds 1 / (2 * 1): sigma^2 = 7/12; the
-- lower band is 0.425947 at day 100 (<= 0.5: median_lower 100), the upper
-- one stays capped at 1 (never <= 0.5: NA). By day 30 nobody has gone on
-- (0.0, band 0.0-0.0, 4 at risk); by 90 the same; by 180 25.0 (3 at risk:
-- u2, u3, u4); by 365 25.0 (2 at risk), its band 0.0-57.4 as above.
-- Table 3 (rule 21): u1, u2, u4 start in 2020-01, u3 in 2020-07 (day
-- 200). 2020-01: all three were seen 400 days, so all are eligible for 90
-- and 365; none went on within 90 (0.0, naive 0/3 = 0.0), u1 within 365
-- (1/3 = 33.3, naive the same: u4's day 400 is after the window). 2020-07:
-- u3 was seen 200 days: eligible for 90 (0.0, naive 0.0), not for 365
-- (empty), naive 0/1 = 0.0.
.print ''
.read sql/07_time_to_next.sql
