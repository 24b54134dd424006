SELECT * FROM program_popularity('e', 'user_id', 'program', 'enrolled_at', 'user_type');
SELECT * FROM program_popularity('w') WHERE bad_times = 'skip' AND ties = 'name';
SELECT * FROM first_program_monthly('e', 'user_id', 'program', 'enrolled_at', 'user_type');
SELECT month, sum(users) FROM first_program_monthly('e') WHERE since = '2021-01-01' GROUP BY month;
SELECT learnpath_memory_budget(1);
SELECT * FROM first_program_monthly('w') WHERE within_days = 30 AND repeats = 'first_only' AND bad_times = 'skip';
SELECT * FROM program_popularity('e') WHERE until = '2021-06-01';
