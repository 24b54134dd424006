SELECT * FROM first_program('pragma_database_list', 'seq', 'name', 'file');
SELECT * FROM first_program('sample_enrollments');
SELECT * FROM first_program('first_program');
CREATE VIEW sv AS SELECT * FROM sample_enrollments(30, 1);
SELECT count(*) FROM first_program('sv');
SELECT count(*) FROM first_program('sv');
