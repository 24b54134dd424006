SELECT s.name, count(*) FROM (SELECT 'e' AS name UNION ALL SELECT 'w' UNION ALL SELECT 'v') AS s
JOIN first_program AS f ON f.source = s.name AND f.bad_times = 'skip' GROUP BY s.name;
SELECT * FROM first_program WHERE source IN ('e', 'w') AND ties IN ('group', 'name') AND bad_times = 'skip';
SELECT * FROM program_steps WHERE source = 'e' AND user_col = 'user_id' AND time_col = 'enrolled_at';
