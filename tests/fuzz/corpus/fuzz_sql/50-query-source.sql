SELECT * FROM first_program('SELECT * FROM e');
SELECT * FROM program_transitions(' -- c
 /* d */ WITH x AS (SELECT * FROM e) SELECT user_id, program, enrolled_at, user_type FROM x;', 'user_id', 'program', 'enrolled_at', 'user_type');
SELECT * FROM program_steps('VALUES (1, ''A'', ''2020-01-01'')', 'column1', 'column2', 'column3');
SELECT * FROM first_program('SELECT * FROM e; SELECT 1');
SELECT * FROM first_program('SELECT * FROM e /* open');
SELECT * FROM first_program('SELECT * FROM e WHERE user_id = ?');
SELECT * FROM first_program('DELETE FROM e RETURNING *');
SELECT * FROM first_program('WITH d AS (SELECT 1) DELETE FROM e RETURNING *');
SELECT learnpath_allow_views(1);
SELECT * FROM first_program('SELECT * FROM e, pragma_table_list');
SELECT * FROM first_program('SELECT user_id, program, enrolled_at, learnpath_cache_clear() AS n FROM e');
