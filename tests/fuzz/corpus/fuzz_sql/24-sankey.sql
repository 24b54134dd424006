SELECT sankey_svg(from_program, to_program, users, 'First -> next')
FROM program_transitions('e', 'user_id', 'program', 'enrolled_at', 'user_type') WHERE step = 1;
SELECT sankey_svg(from_program, to_program, users) FROM program_transitions('w') WHERE 0;
SELECT sankey_svg(program, seg, user_id) FROM w;
SELECT sankey_svg(program, seg, 1, 42) FROM w;
