SELECT count(*) FROM program_steps('e');
SELECT count(*) FROM program_steps('e') WHERE ties = 'name';
SELECT learnpath_cache_clear();
SELECT learnpath_cache_limit(100);
SELECT count(*) FROM program_steps('e');
SELECT learnpath_cache_limit(0);
SELECT learnpath_cache_limit(-1);
SELECT learnpath_cache_limit('x');
SELECT count(*) FROM program_steps('e');
