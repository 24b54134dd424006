SELECT f.user_id, f.program, j.path
FROM first_program('w') AS f JOIN program_journeys('w') AS j ON j.user_id = f.user_id
WHERE f.bad_times = 'skip' AND j.bad_times = 'skip';
SELECT x, (SELECT count(*) FROM program_steps('w') AS s WHERE s.user_id = x AND s.bad_times = 'skip')
FROM (SELECT 1 AS x UNION ALL SELECT 42 UNION ALL SELECT 12);
