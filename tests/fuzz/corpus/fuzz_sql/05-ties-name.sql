SELECT * FROM program_steps('w') WHERE ties = 'name' AND bad_times = 'skip';
SELECT * FROM first_program('w') WHERE ties = 'NAME' AND repeats = 'keep' AND bad_times = 'SKIP';
SELECT * FROM program_transitions('e') WHERE ties = 'name';
