CREATE TABLE ids(user_id, program, enrolled_at);
INSERT INTO ids VALUES (42, 'a', '2021-01-01'), (42.0, 'b', '2021-01-02'), ('42', 'c', '2021-01-03'),
 (x'3432', 'd', '2021-01-04'), (4.2e1, 'e', '2021-01-05'), (-0.0, 'f', '2021-01-06'), (0, 'g', '2021-01-07');
SELECT typeof(user_id), user_id, path FROM program_journeys('ids');
