-- The site's database and its two roles (docs/deploying.md).
--
--   owner   owns the tables: migrations, imports and fixtures connect as it
--           (DATABASE_OWNER_URL).
--   reader  the web process (DATABASE_URL): it may connect and read the site's
--           tables, nothing else. `manage.py migrate` grants it SELECT on every
--           table, and tables the owner creates later are readable by default.
--
-- Run it as a superuser; it is safe to run again (passwords are optional):
--
--   psql -v owner=dvplan_owner -v reader=dvplan_reader -v database=dvplan \
--        -v owner_password=... -v reader_password=... -f deploy/roles.sql
--
-- The embedded server of `make run` and the tests runs this same file.
\set ON_ERROR_STOP on
\set QUIET on

SELECT format('CREATE ROLE %I LOGIN', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'reader')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'reader') \gexec

\if :{?owner_password}
ALTER ROLE :"owner" PASSWORD :'owner_password';
\endif
\if :{?reader_password}
ALTER ROLE :"reader" PASSWORD :'reader_password';
\endif

-- A second lock behind the grants: the reader's transactions start read-only.
ALTER ROLE :"reader" SET default_transaction_read_only = on;

SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"owner";
-- No temporary tables for PUBLIC; the reader may only connect.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"reader";

\connect :"database"
-- Before PostgreSQL 15, everyone could create tables in the public schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"reader";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO :"reader";
