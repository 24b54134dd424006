ATTACH ':memory:' AS aux;
CREATE TABLE aux.t AS SELECT * FROM main.e;
SELECT * FROM first_program('aux.t');
SELECT * FROM first_program('main.e');
SELECT * FROM first_program('temp.e');
SELECT * FROM first_program('nosuch.e');
SELECT * FROM first_program('main.');
SELECT * FROM first_program('.e');
