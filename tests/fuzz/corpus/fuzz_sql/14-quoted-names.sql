SELECT * FROM program_journeys('we"ird.t', 'user id', 'pro"gram', 'at', 'seg') WHERE bad_times = 'skip';
SELECT * FROM program_journeys('we"ird.t', 'user id', 'nosuch"col');
