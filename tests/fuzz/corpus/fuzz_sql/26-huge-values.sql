SELECT length(path) FROM program_journeys('w') WHERE (user_id = 11 OR user_id = 12) AND bad_times = 'skip';
SELECT length(program) FROM first_program('w', 'user_id', 'program', 'enrolled_at', 'seg') WHERE user_id = 11 AND bad_times = 'skip';
SELECT length(sankey_svg(program, seg, 1)) FROM w;
SELECT length(bar_svg(program, seg, 1)) FROM w;
