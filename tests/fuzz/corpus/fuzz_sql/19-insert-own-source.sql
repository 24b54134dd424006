SELECT learnpath_allow_views(1);
INSERT INTO w(user_id, program, enrolled_at)
SELECT user_id, program, started_at FROM program_steps('w') WHERE bad_times = 'skip';
SELECT count(*) FROM w;
SELECT * FROM log;
INSERT INTO e SELECT user_id + 100, program, started_at, segment, NULL FROM program_steps('e', 'user_id', 'program', 'enrolled_at', 'user_type');
SELECT count(*) FROM first_program('e');
