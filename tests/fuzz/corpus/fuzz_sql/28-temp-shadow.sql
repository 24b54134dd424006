SELECT count(*) FROM first_program('w') WHERE bad_times = 'skip';
CREATE TEMP TABLE w AS SELECT * FROM main.e;
SELECT count(*) FROM first_program('w');
SELECT count(*) FROM first_program('main.w') WHERE bad_times = 'skip';
DROP TABLE temp.w;
SELECT count(*) FROM first_program('w') WHERE bad_times = 'skip';
