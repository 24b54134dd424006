PRAGMA trusted_schema = OFF;
SELECT * FROM steps_v LIMIT 3;
SELECT * FROM first_program('steps_v', 'user_id', 'program', 'enrolled_at');
PRAGMA trusted_schema = ON;
SELECT count(*) FROM steps_v;
