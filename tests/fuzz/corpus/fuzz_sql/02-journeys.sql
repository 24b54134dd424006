SELECT user_id, segment, steps, programs, path, first_program, first_at, last_program, last_at
FROM program_journeys('e', 'user_id', 'program', 'enrolled_at', 'user_type');
