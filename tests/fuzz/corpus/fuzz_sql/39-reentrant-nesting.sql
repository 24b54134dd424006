CREATE TEMP VIEW j1 AS SELECT user_id, first_program AS program, first_at AS enrolled_at FROM program_journeys('e');
CREATE TEMP VIEW j2 AS SELECT user_id, program, started_at AS enrolled_at FROM program_steps('j1');
SELECT count(*) FROM program_transitions('j2');
