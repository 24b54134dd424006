SELECT * FROM first_program_stats('e', 'user_id', 'program', 'enrolled_at', 'user_type');
SELECT * FROM first_program_stats('w') WHERE bad_times = 'skip' AND ties = 'name';
SELECT * FROM first_program_stats('e');
SELECT * FROM first_program_stats('e') WHERE within_days = 30 AND repeats = 'first_only';
