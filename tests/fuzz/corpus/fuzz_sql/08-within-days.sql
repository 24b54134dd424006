SELECT * FROM program_transitions('w') WHERE within_days = 0 AND bad_times = 'skip';
SELECT * FROM program_transitions('w') WHERE within_days = 0.5 AND bad_times = 'skip';
SELECT * FROM program_transitions('e') WHERE within_days = 1e9;
SELECT * FROM program_transitions('e') WHERE within_days = -1;
SELECT * FROM program_transitions('e') WHERE within_days = 9e999;
SELECT * FROM program_journeys('e') WHERE within_days = '30';
