SELECT segment, program, count(*) FROM first_program('e', 'user_id', 'program', 'enrolled_at', 'user_type')
WHERE started_at >= '2021-01-01' AND tied = 0 GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5;
SELECT * FROM program_steps('e') WHERE user_id = 3 AND step > 1;
SELECT * FROM program_steps('e') LIMIT 3 OFFSET 2;
