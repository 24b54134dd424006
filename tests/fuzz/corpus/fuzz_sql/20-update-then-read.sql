SELECT count(*) FROM first_program('e');
UPDATE e SET program = 'Program Z' WHERE user_id % 2 = 0;
SELECT program, count(*) FROM first_program('e') GROUP BY program;
DELETE FROM e WHERE user_id > 10;
SELECT count(*) FROM first_program('e');
