-- calls sync, PostgreSQL schema 3: `profile` and `id` compared byte by byte (COLLATE "C"), not by
-- the database's locale. They are names and vendor ids, never sorted for people; under a locale
-- (en_US.UTF-8, even C.UTF-8) every comparison in the primary key went through strcoll, which
-- was a fifth of the server's time in a first sync. Rebuilds the primary key once.
ALTER TABLE calls
    ALTER COLUMN profile TYPE text COLLATE "C",
    ALTER COLUMN id TYPE text COLLATE "C";
