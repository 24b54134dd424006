SELECT * FROM first_program('empty');
SELECT * FROM program_transitions('empty');
SELECT sankey_svg(from_program, to_program, users) FROM program_transitions('empty');
CREATE TABLE n(user_id, program, enrolled_at);
INSERT INTO n VALUES (NULL, NULL, NULL), ('', '', ''), (x'', x'', x'');
SELECT * FROM program_steps('n');
SELECT * FROM enrollment_profile('n');
