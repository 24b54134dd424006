SELECT * FROM program_transitions('w', 'user_id', 'program', 'enrolled_at', 'seg') WHERE bad_times = 'skip';
SELECT * FROM program_transitions('e', 'user_id', 'program', 'enrolled_at', 'user_type');
