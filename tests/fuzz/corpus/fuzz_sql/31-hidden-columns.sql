SELECT source, user_col, program_col, time_col, segment_col, since, until, within_days, ties, repeats
FROM first_program('e') LIMIT 1;
SELECT * FROM pragma_table_xinfo('program_transitions');
EXPLAIN SELECT * FROM program_steps('e') WHERE ties = 'name';
EXPLAIN QUERY PLAN SELECT * FROM program_steps('e') WHERE ties = 'name';
