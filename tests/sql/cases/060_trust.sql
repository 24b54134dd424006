-- README.md, "Trust model": a view or trigger saved in a database cannot call
-- a function that reads a source (SQLite's refusal, whatever trusted_schema
-- says) until learnpath_allow_views(1) on this connection; the user's own
-- SQL (a query, a TEMP view, a WITH query) always can. run.sh turns the
-- shell's error prefix into "ERROR: ".
.read tests/sql/fixtures/enrollments.sql
.load dist/learnpath
.headers off
.mode list

.print '-- a saved view over a journey function: refused by SQLite'
CREATE VIEW initial_next_program AS
SELECT from_program, to_program, users
  FROM program_transitions('enrollments') WHERE step = 1;
SELECT count(*) FROM initial_next_program;
.print '-- a saved trigger too'
CREATE TABLE refresh(x);
CREATE TABLE snapshot(users);
CREATE TRIGGER take_snapshot AFTER INSERT ON refresh BEGIN
  INSERT INTO snapshot SELECT count(*) FROM first_program('enrollments');
END;
INSERT INTO refresh VALUES (1);
SELECT count(*) FROM snapshot;
.print '-- the same query typed directly, in a TEMP view, in a WITH query'
SELECT count(*) FROM program_transitions('enrollments') WHERE step = 1;
CREATE TEMP VIEW my_initial_next AS
SELECT from_program, to_program FROM program_transitions('enrollments') WHERE step = 1;
SELECT count(*) FROM my_initial_next;
WITH t AS (SELECT * FROM program_transitions('enrollments') WHERE step = 1)
SELECT count(*) FROM t;
.print '-- a saved view that only reads a table works as a source'
CREATE VIEW students AS SELECT * FROM enrollments WHERE user_type = 'student';
SELECT count(*) FROM first_program('students');
.print '-- a view in another attached database that reads main: refused'
ATTACH ':memory:' AS other;
CREATE VIEW other.steal AS SELECT user_id, program FROM first_program('main.enrollments');
SELECT count(*) FROM other.steal;
.print '-- the opt-in: saved views and triggers work (returns the previous setting)'
SELECT learnpath_allow_views(1);
SELECT count(*) FROM initial_next_program;
INSERT INTO refresh VALUES (2);
SELECT * FROM snapshot;
.print '-- still refused while trusted_schema is OFF'
PRAGMA trusted_schema = OFF;
SELECT count(*) FROM initial_next_program;
PRAGMA trusted_schema = ON;
.print '-- and off again'
SELECT learnpath_allow_views(0);
SELECT count(*) FROM initial_next_program;
.print '-- a saved view cannot turn the opt-in on'
CREATE VIEW sneaky AS SELECT learnpath_allow_views(1);
SELECT * FROM sneaky;
SELECT learnpath_allow_views(0);
.print '-- a bad argument'
SELECT learnpath_allow_views('yes');
