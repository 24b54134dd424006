SELECT * FROM first_program('e');
SELECT * FROM first_program('e', 'user_id', 'program', 'enrolled_at', 'user_type');
