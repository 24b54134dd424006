SELECT * FROM program_journeys('v', 'uid', 'prog', 'at', 'seg') WHERE bad_times = 'skip';
SELECT * FROM first_program('steps_v', 'user_id', 'program', 'enrolled_at', 'segment');
SELECT learnpath_allow_views(1);
SELECT * FROM first_program('steps_v', 'user_id', 'program', 'enrolled_at', 'segment');
