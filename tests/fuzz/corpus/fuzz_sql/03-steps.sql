SELECT * FROM program_steps('w') WHERE user_id IN (1, 42, '42', 6, 7) AND bad_times = 'skip';
