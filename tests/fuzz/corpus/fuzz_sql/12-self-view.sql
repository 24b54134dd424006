SELECT * FROM selfv;
SELECT * FROM first_program('selfv');
