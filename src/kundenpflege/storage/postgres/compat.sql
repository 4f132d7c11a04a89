-- SQLite's functions that the journal's queries call, as PostgreSQL functions of the
-- same name and meaning, so that one query text serves both engines (issue 17).
-- Only those the program calls on a server, and only as far as it calls them; the
-- Datasette views of `browse` run on SQLite alone. tests/test_postgres_schema.py asks
-- SQLite and these the same questions.
--
-- One script, idempotent (CREATE OR REPLACE), before or after schema.sql; everything
-- in schema main and named with its schema, so that no search_path is needed here.
-- Where SQLite reads local time ('localtime'), these read the session's TimeZone: the
-- connection sets it to the client's zone.

CREATE SCHEMA IF NOT EXISTS main;

-- sum(x = 'in'): SQLite adds comparisons up as 0/1; NULL when no row has a value.
CREATE OR REPLACE FUNCTION main.sum_boolean_step(total bigint, value boolean)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value IS NULL THEN total ELSE coalesce(total, 0) + value::int END
$$;
CREATE OR REPLACE AGGREGATE main.sum(boolean) (
    SFUNC = main.sum_boolean_step, STYPE = bigint
);

-- Scalar max(a, b): NULL when either is NULL (greatest() would skip the NULL).
CREATE OR REPLACE FUNCTION main.max(a anycompatible, b anycompatible)
RETURNS anycompatible LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE greatest(a, b) END
$$;

-- group_concat(x, separator): NULLs left out; NULL when nothing is left.
CREATE OR REPLACE FUNCTION main.group_concat_step(joined text, value text, separator text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value IS NULL THEN joined
                WHEN joined IS NULL THEN value
                ELSE joined || separator || value END
$$;
CREATE OR REPLACE AGGREGATE main.group_concat(text, text) (
    SFUNC = main.group_concat_step, STYPE = text
);

-- A time as SQLite's date functions read it (YYYY-MM-DD, then [T ]HH:MM[:SS[.fff]] and
-- Z or ±HH:MM), as the UTC time it names; NULL for anything else. Day 31 of a
-- shorter month runs on into the next one, as in SQLite.
CREATE OR REPLACE FUNCTION main.sqlite_utc(value text)
RETURNS timestamp LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT make_timestamp(part[1]::int, part[2]::int, 1, 0, 0, 0)
        + make_interval(days => part[3]::int - 1,
                        hours => coalesce(part[4]::int, 0),
                        mins => coalesce(part[5]::int, 0),
                        secs => coalesce(part[6]::double precision, 0))
        - CASE WHEN part[8] IS NULL THEN interval '0'
               ELSE (part[7] || '1')::int * make_interval(hours => part[8]::int,
                                                          mins => part[9]::int) END
    FROM regexp_match(value,
        '^\s*(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])'
        '(?:(?:T|\s+)([01]\d|2[0-4]):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?'
        '\s*(?:Z|([+-])(0\d|1[0-4]):([0-5]\d))?)?\s*$') AS part
$$;

-- julianday(x): days since noon, 24 November 4714 BC (UTC), computed from whole
-- milliseconds as SQLite does, so the two give the same double.
CREATE OR REPLACE FUNCTION main.julianday(value text)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (round(extract(epoch FROM main.sqlite_utc(value)) * 1000)
            + 210866760000000)::double precision / 86400000
$$;

-- date(x, modifier...): the day, after 'localtime' (the session's TimeZone) and
-- '±N days'; other modifiers are refused rather than guessed at.
CREATE OR REPLACE FUNCTION main.date(value text, VARIADIC modifiers text[])
RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    moment timestamp := main.sqlite_utc(value);
    modifier text;
BEGIN
    IF moment IS NULL THEN
        RETURN NULL;
    END IF;
    FOREACH modifier IN ARRAY modifiers LOOP
        IF modifier = 'localtime' THEN
            moment := (moment AT TIME ZONE 'UTC') AT TIME ZONE current_setting('TimeZone');
        ELSIF modifier ~ '^\s*[+-]?\d+ days?\s*$' THEN
            moment := moment + modifier::interval;
        ELSE
            RAISE EXCEPTION 'date(): the modifier % is not mimicked on PostgreSQL', modifier;
        END IF;
    END LOOP;
    RETURN to_char(moment, 'YYYY-MM-DD');
END
$$;

-- printf(format, value) with one of %d, %Nd, %0Nd, %s, %.Nf in the format, as SQLite
-- writes them: %d cuts toward zero, zeros go after the sign, a NULL value is 0 or ''.
CREATE OR REPLACE FUNCTION main.printf(format text, value anycompatible)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    spec text[] := regexp_match(format, '%(0?)(\d*)(?:\.(\d+))?([dsf])');
    written text;
    sign text := '';
    width int;
BEGIN
    IF spec IS NULL THEN
        RETURN format;
    END IF;
    IF spec[4] = 's' THEN
        written := coalesce(value::text, '');
    ELSE
        written := CASE spec[4]
            WHEN 'd' THEN trunc(coalesce(value::numeric, 0))::text
            ELSE round(coalesce(value::numeric, 0), coalesce(spec[3], '6')::int)::text END;
        IF written LIKE '-%' THEN
            sign := '-';
            written := substr(written, 2);
        END IF;
    END IF;
    width := coalesce(nullif(spec[2], '')::int, 0) - length(sign);
    IF length(written) < width THEN
        IF spec[1] = '0' AND spec[4] <> 's' THEN
            written := lpad(written, width, '0');
        ELSE
            written := lpad(sign || written, width + length(sign));
            sign := '';
        END IF;
    END IF;
    RETURN regexp_replace(format, '%0?\d*(?:\.\d+)?[dsf]', replace(sign || written, '\', '\\'));
END
$$;

-- json_valid(x): 1 in SQLite, true here, for well-formed JSON; false for NULL.
CREATE OR REPLACE FUNCTION main.json_valid(value text)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN value IS NOT NULL AND value::json IS NOT NULL;
EXCEPTION WHEN invalid_text_representation THEN
    RETURN false;
END
$$;

-- json_extract(x, '$.key.key[0]'): always text here, where SQLite returns the
-- value's own type (a number, 1 for true). Compare with a number by casting.
CREATE OR REPLACE FUNCTION main.json_extract(value text, path text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT value::jsonb #>> string_to_array(
        ltrim(regexp_replace(substr(path, 2), '\[(\d+)\]', '.\1', 'g'), '.'), '.')
$$;
