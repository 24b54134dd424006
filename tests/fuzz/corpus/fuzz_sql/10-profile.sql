SELECT * FROM enrollment_profile('e', 'user_id', 'program', 'enrolled_at', 'user_type');
SELECT * FROM enrollment_profile('w', 'user_id', 'program', 'enrolled_at', 'seg') WHERE bad_times = 'skip';
SELECT * FROM enrollment_profile('empty');
