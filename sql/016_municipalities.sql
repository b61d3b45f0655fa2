-- 016_municipalities.sql - many municipalities in one database (issue 17, D120-D129).
--
-- A municipality (its 全国地方公共団体コード, JIS X 0402: batch/common/municipality_code.h)
-- owns its rows in every table. Each table carries it as municipality_code, is
-- partitioned by LIST on it (one partition per municipality, kigen.<table>_<code>: a
-- municipality is loaded, vacuumed, purged or detached without touching the others),
-- and its primary, unique and foreign keys end with it (last: a lookup by the old key
-- still uses the index's prefix, D122). The column's default is
-- kigen.session_municipality(), so statements that do not name it write the session's
-- municipality (the policies refuse any other). Row-level security (FORCE: the tables'
-- owner too) lets a session see and write only the rows of kigen.current_municipality();
-- a superuser or a BYPASSRLS role sees everything, as PostgreSQL decides
-- (docs/operations.md).
--
-- The default municipality 000000 (prefecture 00 does not exist) is a deployment that
-- never names one: the tables as they were become its partitions in place (renamed to
-- <table>_000000, attached to a new partitioned table of the old name), so an existing
-- database keeps its rows, and its nights give the same outputs. Sequences stay global.

CREATE TABLE kigen.municipalities (
    municipality_code text PRIMARY KEY CHECK (municipality_code ~ '^[0-9]{6}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role_name text UNIQUE,                 -- kigen_m<code>; NULL: the default (no role)
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((municipality_code = '000000') = (role_name IS NULL))
);
INSERT INTO kigen.municipalities (municipality_code, name) VALUES ('000000', 'default');
-- codes and names only: every role needs it for kigen.current_municipality()
GRANT SELECT ON kigen.municipalities TO PUBLIC;

-- The municipality the session names: the setting kigen.municipality (kigen sets it for
-- --municipality; a municipality's role has its own code as its setting: kigen
-- municipality add), else the default. The columns' default: inlined, it costs a COPY
-- nothing (a function that reads kigen.municipalities costs 3.7 us per row, D123).
CREATE FUNCTION kigen.session_municipality() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT coalesce(NULLIF(pg_catalog.current_setting('kigen.municipality', true), ''), '000000')
$$;
GRANT EXECUTE ON FUNCTION kigen.session_municipality() TO PUBLIC;

-- The session's municipality, which the policies compare: a municipality's role is its own
-- whatever the session says (SET kigen.municipality cannot widen it); any other role the
-- one it names (kigen.session_municipality()).
CREATE FUNCTION kigen.current_municipality() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT coalesce(
    (SELECT m.municipality_code FROM kigen.municipalities m
     WHERE m.role_name = pg_catalog.current_user()),
    kigen.session_municipality())
$$;
GRANT EXECUTE ON FUNCTION kigen.current_municipality() TO PUBLIC;

-- Whether the deployment has the default municipality alone (and the session is it): then
-- the owner's fast paths that touch a whole table (D94's first load, --bulk) are allowed.
CREATE FUNCTION kigen.sole_municipality() RETURNS boolean
LANGUAGE sql STABLE AS $$
SELECT kigen.current_municipality() = '000000'
    AND NOT EXISTS (SELECT FROM kigen.municipalities m WHERE m.municipality_code <> '000000')
$$;

-- kigen.<table>_<code> of the session's municipality: where a COPY FROM goes (PostgreSQL
-- refuses COPY FROM into a table under row-level security) and what a TRUNCATE empties.
CREATE FUNCTION kigen.own_partition(p_table text) RETURNS text
LANGUAGE sql STABLE AS $$
SELECT pg_catalog.format('kigen.%I', p_table || '_' || kigen.current_municipality())
$$;

DO $migrate$
DECLARE
    tables constant text[] := ARRAY['offices', 'residents', 'cards', 'certificates', 'moves',
        'changes', 'proxy_requests', 'runs', 'notices', 'notice_certificates', 'exclusions',
        'findings', 'cert_schedule', 'schedule_stale', 'forecasts', 'forecast_weeks',
        'run_forecasts', 'forms', 'form_events', 'run_offices', 'purges', 'notice_events',
        'run_returns', 'load_digests'];
    cur_table text;
    def record;
BEGIN
    -- in the schema (the owner may have no TEMPORARY on the database), dropped at the end
    CREATE TABLE kigen.saved_defs (seq serial, kind text, tbl text, name text, def text);
    -- the views, the foreign keys (dropped first: they depend on the keys)
    INSERT INTO kigen.saved_defs (kind, tbl, name, def)
    SELECT 'view', c.relname, c.relname, pg_catalog.pg_get_viewdef(c.oid)
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'kigen' AND c.relkind = 'v';
    INSERT INTO kigen.saved_defs (kind, tbl, name, def)
    SELECT 'fkey', t.relname, c.conname, pg_catalog.pg_get_constraintdef(c.oid)
    FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'kigen' AND c.contype = 'f' AND t.relname = ANY (tables)
    ORDER BY t.relname, c.conname;
    FOR def IN SELECT * FROM kigen.saved_defs WHERE kind = 'view' LOOP
        EXECUTE pg_catalog.format('DROP VIEW kigen.%I', def.name);
    END LOOP;
    FOR def IN SELECT * FROM kigen.saved_defs WHERE kind = 'fkey' LOOP
        EXECUTE pg_catalog.format('ALTER TABLE kigen.%I DROP CONSTRAINT %I', def.tbl, def.name);
    END LOOP;

    FOREACH cur_table IN ARRAY tables LOOP
        -- keys, unique indexes and triggers: taken off, made again on the partitioned table
        INSERT INTO kigen.saved_defs (kind, tbl, name, def)
        SELECT 'key', cur_table, c.conname, pg_catalog.pg_get_constraintdef(c.oid)
        FROM pg_catalog.pg_constraint c
        WHERE c.conrelid = ('kigen.' || cur_table)::regclass AND c.contype IN ('p', 'u');
        INSERT INTO kigen.saved_defs (kind, tbl, name, def)
        SELECT CASE WHEN i.indisunique THEN 'unique' ELSE 'index' END, cur_table, x.relname,
            pg_catalog.pg_get_indexdef(i.indexrelid)
        FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
        WHERE i.indrelid = ('kigen.' || cur_table)::regclass
            AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint c WHERE c.conindid = i.indexrelid);
        INSERT INTO kigen.saved_defs (kind, tbl, name, def)
        SELECT 'trigger', cur_table, g.tgname, pg_catalog.pg_get_triggerdef(g.oid)
        FROM pg_catalog.pg_trigger g
        WHERE g.tgrelid = ('kigen.' || cur_table)::regclass AND NOT g.tgisinternal ORDER BY g.tgname;

        FOR def IN SELECT * FROM kigen.saved_defs WHERE tbl = cur_table AND kind = 'trigger' LOOP
            EXECUTE pg_catalog.format('DROP TRIGGER %I ON kigen.%I', def.name, cur_table);
        END LOOP;
        FOR def IN SELECT * FROM kigen.saved_defs WHERE tbl = cur_table AND kind = 'key' LOOP
            EXECUTE pg_catalog.format('ALTER TABLE kigen.%I DROP CONSTRAINT %I', cur_table, def.name);
        END LOOP;
        FOR def IN SELECT * FROM kigen.saved_defs WHERE tbl = cur_table AND kind = 'unique' LOOP
            EXECUTE pg_catalog.format('DROP INDEX kigen.%I', def.name);
        END LOOP;
        -- the other indexes stay on the partition, renamed: the partitioned table's index
        -- of the same definition takes them over without building them again
        FOR def IN SELECT * FROM kigen.saved_defs WHERE tbl = cur_table AND kind = 'index' LOOP
            EXECUTE pg_catalog.format('ALTER INDEX kigen.%I RENAME TO %I', def.name,
                                      def.name || '_000000');
        END LOOP;

        EXECUTE pg_catalog.format('ALTER TABLE kigen.%I ADD COLUMN municipality_code text '
                                  'NOT NULL DEFAULT ''000000''', cur_table);
        EXECUTE pg_catalog.format('ALTER TABLE kigen.%I RENAME TO %I', cur_table, cur_table || '_000000');
        EXECUTE pg_catalog.format('CREATE TABLE kigen.%I (LIKE kigen.%I INCLUDING DEFAULTS '
                                  'INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) '
                                  'PARTITION BY LIST (municipality_code)', cur_table, cur_table || '_000000');
        EXECUTE pg_catalog.format('ALTER TABLE kigen.%I ALTER COLUMN municipality_code '
                                  'SET DEFAULT kigen.session_municipality()', cur_table);
        EXECUTE pg_catalog.format('ALTER TABLE kigen.%I ATTACH PARTITION kigen.%I '
                                  'FOR VALUES IN (''000000'')', cur_table, cur_table || '_000000');
        -- the sequences of bigserial columns belong to the partitioned table's column
        FOR def IN SELECT s.relname AS name, a.attname AS def
                   FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid
                   JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid
                       AND a.attnum = d.refobjsubid
                   WHERE d.refobjid = ('kigen.' || cur_table || '_000000')::regclass
                       AND d.classid = 'pg_catalog.pg_class'::regclass AND s.relkind = 'S'
                       AND d.deptype = 'a' LOOP
            EXECUTE pg_catalog.format('ALTER SEQUENCE kigen.%I OWNED BY kigen.%I.%I', def.name,
                                      cur_table, def.def);
        END LOOP;
        FOR def IN SELECT * FROM kigen.saved_defs WHERE tbl = cur_table AND kind = 'key' LOOP
            EXECUTE pg_catalog.format('ALTER TABLE kigen.%I ADD CONSTRAINT %I %s', cur_table, def.name,
                pg_catalog.regexp_replace(def.def, '^(PRIMARY KEY|UNIQUE) \(([^)]*)\)',
                                          '\1 (\2, municipality_code)'));
        END LOOP;
        FOR def IN SELECT * FROM kigen.saved_defs WHERE tbl = cur_table AND kind = 'unique' LOOP
            EXECUTE pg_catalog.regexp_replace(def.def, ' USING (\w+) \(([^)]*)\)',
                                              ' USING \1 (\2, municipality_code)');
        END LOOP;
        FOR def IN SELECT * FROM kigen.saved_defs WHERE tbl = cur_table AND kind = 'index' LOOP
            EXECUTE def.def;
        END LOOP;
        FOR def IN SELECT * FROM kigen.saved_defs WHERE tbl = cur_table AND kind = 'trigger'
                   ORDER BY seq LOOP
            EXECUTE def.def;
        END LOOP;
        -- row-level security: the session's municipality only, the owner included
        EXECUTE pg_catalog.format('ALTER TABLE kigen.%I ENABLE ROW LEVEL SECURITY', cur_table);
        EXECUTE pg_catalog.format('ALTER TABLE kigen.%I FORCE ROW LEVEL SECURITY', cur_table);
        EXECUTE pg_catalog.format('CREATE POLICY municipality ON kigen.%I '
                                  'USING (municipality_code = kigen.current_municipality()) '
                                  'WITH CHECK (municipality_code = kigen.current_municipality())',
                                  cur_table);
    END LOOP;

    -- the foreign keys hold between a municipality's partitions (D122): its partitions are
    -- then emptied, loaded, checked or detached together, without the others'
    FOR def IN SELECT * FROM kigen.saved_defs WHERE kind = 'fkey' ORDER BY seq LOOP
        EXECUTE pg_catalog.format('ALTER TABLE kigen.%I ADD CONSTRAINT %I %s',
            def.tbl || '_000000', def.name,
            pg_catalog.regexp_replace(def.def,
                '^FOREIGN KEY \(([^)]*)\) REFERENCES kigen\.(\w+)\(([^)]*)\)',
                'FOREIGN KEY (\1, municipality_code) REFERENCES kigen.\2_000000(\3, '
                'municipality_code)'));
    END LOOP;
    FOR def IN SELECT * FROM kigen.saved_defs WHERE kind = 'view' ORDER BY seq LOOP
        EXECUTE pg_catalog.format('CREATE VIEW kigen.%I WITH (security_invoker = true) AS %s',
                                  def.name, def.def);
    END LOOP;
    DROP TABLE kigen.saved_defs;
END
$migrate$;

-- The ON CONFLICT target follows the new key (sql/004).
CREATE OR REPLACE FUNCTION kigen.schedule_mark(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO kigen.schedule_stale (resident_id)
    SELECT DISTINCT id FROM pg_catalog.unnest(ids) AS id WHERE id IS NOT NULL
    ON CONFLICT (municipality_code, resident_id) DO UPDATE SET marked_at = pg_catalog.now()
$$;

-- TRUNCATE of the session's own partitions (a TRUNCATE of the partitioned table would empty
-- every municipality's; the foreign keys are between partitions, D122): the load's
-- schedule, kigen sample --replace. Their statement triggers (the partitioned table's) do
-- not fire: the caller marks what they would.
CREATE FUNCTION kigen.truncate_own(VARIADIC p_tables text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'TRUNCATE ' || (SELECT pg_catalog.string_agg(kigen.own_partition(t), ', ')
                            FROM pg_catalog.unnest(p_tables) AS t);
END
$$;

-- LOCK TABLE of the session's own partitions in SHARE ROW EXCLUSIVE mode: a municipality's
-- first load keeps other writers out of its tables, not out of the others' (D126).
CREATE FUNCTION kigen.lock_own(VARIADIC p_tables text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'LOCK TABLE ' || (SELECT pg_catalog.string_agg(kigen.own_partition(t), ', ')
                              FROM pg_catalog.unnest(p_tables) AS t)
        || ' IN SHARE ROW EXCLUSIVE MODE';
END
$$;

-- kigen municipality add (batch/cmd_municipality.c, D125): the municipality, its partition
-- of every partitioned table (owned by the caller: run it as the tables' owner), and its
-- LOGIN role with nothing but what its policies allow: DML on the tables, all of it on its
-- own partitions (TRUNCATE and COPY, which row-level security refuses on the tables), the
-- sequences, the schema, TEMPORARY on the database. The role is granted to the caller, so
-- that kigen can SET ROLE to it. Needs CREATEROLE. Idempotent for the partitions and grants.
CREATE FUNCTION kigen.municipality_add(p_code text, p_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    role_name constant text := 'kigen_m' || p_code;
    parent record;
    fkey record;
BEGIN
    IF p_code !~ '^[0-9]{6}$' OR p_code = '000000' THEN
        RAISE EXCEPTION 'not a municipality code: %', p_code;
    END IF;
    INSERT INTO kigen.municipalities (municipality_code, name, role_name)
    VALUES (p_code, p_name, role_name);
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = role_name) THEN
        EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE '
                                  'NOINHERIT NOREPLICATION NOBYPASSRLS', role_name);
    END IF;
    EXECUTE pg_catalog.format('ALTER ROLE %I SET kigen.municipality = %L', role_name, p_code);
    EXECUTE pg_catalog.format('GRANT %I TO CURRENT_USER', role_name);
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA kigen TO %I', role_name);
    EXECUTE pg_catalog.format('GRANT TEMPORARY ON DATABASE %I TO %I',
                              pg_catalog.current_database(), role_name);
    EXECUTE pg_catalog.format('GRANT SELECT ON kigen.schema_version TO %I', role_name);
    EXECUTE pg_catalog.format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA kigen TO %I', role_name);
    FOR parent IN SELECT c.relname FROM pg_catalog.pg_class c
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'kigen' AND c.relkind = 'p' ORDER BY 1 LOOP
        EXECUTE pg_catalog.format('CREATE TABLE IF NOT EXISTS kigen.%I PARTITION OF kigen.%I '
                                  'FOR VALUES IN (%L)', parent.relname || '_' || p_code,
                                  parent.relname, p_code);
        EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON kigen.%I TO %I',
                                  parent.relname, role_name);
        EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON kigen.%I '
                                  'TO %I', parent.relname || '_' || p_code, role_name);
    END LOOP;
    -- the foreign keys of the default's partitions, between this municipality's (D122)
    FOR fkey IN SELECT t.relname, c.conname, pg_catalog.pg_get_constraintdef(c.oid) AS def
                FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'kigen' AND c.contype = 'f' AND t.relname LIKE '%\_000000'
                ORDER BY 1, 2 LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint c
                       WHERE c.conrelid = ('kigen.' || pg_catalog.left(fkey.relname, -6)
                                           || p_code)::regclass AND c.conname = fkey.conname) THEN
            EXECUTE pg_catalog.format('ALTER TABLE kigen.%I ADD CONSTRAINT %I %s',
                pg_catalog.left(fkey.relname, -6) || p_code, fkey.conname,
                pg_catalog.regexp_replace(fkey.def, ' REFERENCES kigen\.(\w+)_000000\(',
                                          ' REFERENCES kigen.\1_' || p_code || '('));
        END IF;
    END LOOP;
    EXECUTE pg_catalog.format('GRANT SELECT ON kigen.notice_returns TO %I', role_name);
END
$$;
