ATTACH ':memory:' AS x;
CREATE TABLE x.t(user_id, program, enrolled_at);
INSERT INTO x.t VALUES (1, 'from-a', '2021-01-01');
SELECT program FROM first_program('x.t');
DETACH x;
ATTACH ':memory:' AS x;
CREATE TABLE x.t(user_id, program, enrolled_at);
SELECT program FROM first_program('x.t');
