-- README.md, rule 13: a query as the source, through the real shell. The
-- registrations of tests/fixtures/q_relative_days.sql give their time as a
-- presentation's start date and a number of days; one WITH query derives
-- it, with no view. The fixture's header gives the journeys by hand.
.read tests/fixtures/q_relative_days.sql
.load dist/learnpath
.headers on
.mode list

.print '-- first program and the next, from a WITH query'
SELECT user_id, program, next_program, days_to_next, segment
  FROM first_program('WITH r AS (SELECT *, date(pres_start, day || '' days'') AS t FROM reg)
                      SELECT id_student AS user_id, code_module AS program,
                             t AS enrolled_at, level FROM r',
                     'user_id', 'program', 'enrolled_at', 'level');
.print '-- step 1 transitions, by position and by name'
SELECT from_program, to_program, users, share
  FROM program_transitions('SELECT id_student AS user_id, code_module AS program,
                                   date(pres_start, day || '' days'') AS enrolled_at FROM reg;')
 WHERE step = 1;
SELECT count(*) AS users FROM first_program
 WHERE source = 'VALUES (1, ''A'', ''2020-01-01''), (2, ''B'', ''2020-01-02'')'
   AND user_col = 'column1' AND program_col = 'column2' AND time_col = 'column3';
.print '-- refused'
.headers off
SELECT * FROM first_program('DELETE FROM reg RETURNING *');
SELECT * FROM first_program('WITH x AS (SELECT 1) DELETE FROM reg RETURNING *');
SELECT * FROM first_program('SELECT * FROM reg; SELECT * FROM reg');
SELECT * FROM first_program('SELECT * FROM regs');
SELECT * FROM first_program('SELECT id_student, code_module FROM reg');
SELECT count(*) FROM reg;
