SELECT * FROM program_steps('w');
SELECT * FROM program_steps('w') WHERE bad_times = 'skip';
SELECT * FROM enrollment_profile('w') WHERE bad_times = 'skip';
