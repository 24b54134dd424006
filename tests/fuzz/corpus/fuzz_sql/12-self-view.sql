SELECT learnpath_allow_views(1);
SELECT * FROM selfv;
SELECT * FROM first_program('selfv');
