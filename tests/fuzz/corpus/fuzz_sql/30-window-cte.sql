WITH t AS (SELECT * FROM program_transitions('e', 'user_id', 'program', 'enrolled_at', 'user_type'))
SELECT segment, from_program, to_program, users,
       sum(users) OVER (PARTITION BY segment, step, from_program) AS starters,
       rank() OVER (ORDER BY users DESC)
FROM t WHERE step <= 2;
