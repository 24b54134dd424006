SELECT path FROM program_journeys('w') WHERE repeats = 'keep' AND bad_times = 'skip';
SELECT path FROM program_journeys('w') WHERE repeats = 'first_only' AND bad_times = 'skip';
SELECT path FROM program_journeys('w') WHERE repeats = 'collapse' AND bad_times = 'skip';
SELECT path FROM program_journeys('w') WHERE repeats = 'sometimes';
