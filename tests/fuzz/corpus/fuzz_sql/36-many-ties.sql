SELECT user_id, j.steps, j.programs, length(j.path), f.tied
FROM program_journeys('w') AS j JOIN first_program('w') AS f USING (user_id)
WHERE user_id = 12 AND j.bad_times = 'skip' AND f.bad_times = 'skip';
SELECT count(*), max(length(from_program)) FROM program_transitions('w') WHERE ties = 'group' AND bad_times = 'skip';
SELECT count(*) FROM program_transitions('w') WHERE ties = 'name' AND bad_times = 'skip';
