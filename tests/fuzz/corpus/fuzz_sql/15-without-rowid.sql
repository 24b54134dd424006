SELECT * FROM program_steps('nr') WHERE bad_times = 'skip';
SELECT * FROM enrollment_profile('nr') WHERE bad_times = 'skip';
