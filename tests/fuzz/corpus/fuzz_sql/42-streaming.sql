SELECT learnpath_memory_budget(1);
SELECT * FROM program_steps('e', 'user_id', 'program', 'enrolled_at', 'user_type') WHERE ties = 'name';
SELECT * FROM program_transitions('w') WHERE bad_times = 'skip';
SELECT * FROM program_transitions('w');
SELECT * FROM first_program_stats('v', 'uid', 'prog', 'at', 'seg') WHERE bad_times = 'skip';
SELECT count(*) FROM first_program('nr') WHERE bad_times = 'skip';
SELECT x, (SELECT count(*) FROM program_journeys('e') AS j WHERE j.user_id = x) FROM (SELECT 1 AS x UNION ALL SELECT 2);
SELECT learnpath_memory_budget(0);
