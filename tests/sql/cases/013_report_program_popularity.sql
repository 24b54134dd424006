-- sql/04 on the fixture. Hand check (rows with a NULL user, a NULL program
-- or an empty time are not counted):
-- professionals (7): Flagship 7 rows (11 twice) / 6 users = 85.7%; A 3/3 =
--   42.9%; C 1/1 and D 1/1 = 14.3%.
-- students (8): A 7 rows (6 twice) / 6 users = 75.0%; Flagship 4/4 =
--   50.0%; B 3/3 = 37.5%; C 1/1 = 12.5%.
-- all (15): Flagship 11/10 = 66.7%; A 10/9 = 60.0%; B 3/3 = 20.0%;
--   C 2/2 = 13.3%; D 1/1 = 6.7%.
.read tests/sql/fixtures/enrollments.sql
.read sql/04_program_popularity.sql
