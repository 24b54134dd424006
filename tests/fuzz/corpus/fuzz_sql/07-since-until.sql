SELECT * FROM first_program('w') WHERE since = '2021-01-01' AND until = '2022-01-01' AND bad_times = 'skip';
SELECT * FROM first_program('e') WHERE since = 2459300.5 AND until = 1700000000;
SELECT * FROM first_program('w') WHERE since = '-0001-01-01' AND until = '9999-12-31 23:59:59' AND bad_times = 'skip';
SELECT * FROM first_program('w') WHERE since = 'now';
SELECT * FROM first_program('e') WHERE since = '2022-01-01' AND until = '2021-01-01';
