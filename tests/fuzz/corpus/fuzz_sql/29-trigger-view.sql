CREATE TEMP VIEW firsts AS SELECT * FROM first_program('e');
CREATE TEMP TRIGGER t_ins AFTER INSERT ON e BEGIN
  INSERT INTO log SELECT count(*) FROM firsts;
END;
INSERT INTO e VALUES (1000, 'Flagship', '2022-01-01', 'student', NULL);
SELECT * FROM log;
