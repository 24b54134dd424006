SELECT typeof(user_id), user_id, program FROM first_program('w')
WHERE bad_times = 'skip' ORDER BY rowid;
