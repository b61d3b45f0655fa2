/*
 * test_tenancy_db.c - municipalities in one database (issue 17): two municipalities' nights
 * run at the same time (the run lock is each one's) and write under OUT/<CODE>/<D>/ what a
 * night of the same extract writes alone; a database of schema 15 holding a city migrates
 * in place to the default municipality's partitions, and its night writes what the same
 * city gives in a database made at schema 16. (tests/scripts/test_rls.sh proves the
 * isolation itself, with psql as a municipality's role.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run/run_lock.h"
#include "run/schedule.h"
#include "test.h"

#define CODE_A "011002" /* 札幌市 */
#define CODE_B "271004" /* 大阪市 */

/* Roles are the cluster's: dropped with the databases that hold their grants. */
static void drop_roles(const char *database)
{
    char command_line[1024];
    snprintf(command_line, sizeof(command_line),
             "psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS \"%s\"' -c 'DROP ROLE IF "
             "EXISTS kigen_m" CODE_A "' -c 'DROP ROLE IF EXISTS kigen_m" CODE_B "' >/dev/null 2>&1",
             database);
    test_run_shell(command_line, NULL);
}

/* The file of a night as text ("" when missing; the caller frees it). */
static char *night_file(const char *out, const char *code, const char *date, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s%s%s/%s", out, code, code[0] != '\0' ? "/" : "", date, name);
    char *text = test_read_file(path);
    return text != NULL ? text : calloc(1, 1);
}

static void assert_same_file(const char *out, const char *code, const char *other_out,
                             const char *other_code, const char *name)
{
    char *got = night_file(out, code, "2026-12-01", name);
    char *want = night_file(other_out, other_code, "2026-12-01", name);
    CU_ASSERT(got[0] != '\0');
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
    free(want);
}

static void two_municipalities_run_their_nights_at_the_same_time(void)
{
    const char *name = getenv("PGDATABASE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(name);
    char database[256], script[1024], extract[1024], command_line[8192];
    snprintf(database, sizeof(database), "%s_tenancy", name);
    drop_roles(database);
    char out[] = "/tmp/kigen-test-tenancy-XXXXXX";
    test_make_temp_dir(out);
    const char *kigen = test_kigen_bin();
    test_root_path("scripts/db.sh", script, sizeof(script));
    test_root_path("samples/extract", extract, sizeof(extract));
    /* the default municipality alone first: the reference night */
    snprintf(command_line, sizeof(command_line),
             "sh '%s' recreate '%s' >/dev/null 2>&1 && export PGDATABASE='%s' && '%s' -q db "
             "migrate && { '%s' -q load '%s' >/dev/null 2>&1; test $? -le 1; } && '%s' -q run "
             "--date 2026-12-01 --out '%s/alone' && '%s' -q municipality add " CODE_A
             " 札幌市 && '%s' -q municipality add " CODE_B " 大阪市",
             script, database, database, kigen, kigen, extract, kigen, out, kigen, kigen);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    const char *const codes[] = {CODE_A, CODE_B};
    for (size_t idx = 0; idx < 2; idx++) {
        snprintf(command_line, sizeof(command_line),
                 "PGDATABASE='%s' '%s' -q --municipality %s load '%s' >/dev/null 2>&1; test $? "
                 "-eq 1",
                 database, kigen, codes[idx], extract);
        CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    }
    /* A's run lock held by another session: A's night is refused (exit 6), B's runs */
    snprintf(command_line, sizeof(command_line),
             "export PGDATABASE='%s'; { echo 'SELECT pg_advisory_lock(%ld);'; sleep 8; } | psql "
             "-X -q >/dev/null 2>&1 & holder=$!; sleep 2; '%s' -q --municipality " CODE_A
             " run --date 2026-12-01 --out '%s/held' >/dev/null 2>&1; a=$?; '%s' -q "
             "--municipality " CODE_B " run --date 2026-12-01 --out '%s/held' >/dev/null 2>&1; "
             "b=$?; kill $holder 2>/dev/null; wait; echo \"$a $b\"",
             database, run_lock_key(CODE_A), kigen, out, kigen, out);
    char *statuses = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &statuses), 0);
    CU_ASSERT_STRING_EQUAL(statuses != NULL ? statuses : "", "6 0\n");
    free(statuses);
    /* both nights at once (B's again: a re-run writes the same files) */
    snprintf(
        command_line, sizeof(command_line),
        "export PGDATABASE='%s'; '%s' -q --municipality " CODE_A
        " run --date 2026-12-01 --out '%s/both' >/dev/null & a=$!; '%s' -q --municipality " CODE_B
        " run --date 2026-12-01 --out '%s/both' >/dev/null & b=$!; wait $a; sa=$?; wait $b; sb=$?; "
        "echo \"$sa $sb\"",
        database, kigen, out, kigen, out);
    statuses = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &statuses), 0);
    CU_ASSERT_STRING_EQUAL(statuses != NULL ? statuses : "", "0 0\n");
    free(statuses);
    char alone[1100], both[1100], held[1100];
    snprintf(alone, sizeof(alone), "%s/alone", out);
    snprintf(both, sizeof(both), "%s/both", out);
    snprintf(held, sizeof(held), "%s/held", out);
    /* the same notices, numbers included (per municipality), and exclusions as alone */
    const char *const files[] = {"notices.csv", "excluded.csv", "findings.csv", "districts.csv"};
    for (size_t idx = 0; idx < sizeof(files) / sizeof(files[0]); idx++) {
        assert_same_file(both, CODE_A, alone, "", files[idx]);
        assert_same_file(both, CODE_B, alone, "", files[idx]);
        assert_same_file(held, CODE_B, both, CODE_B, files[idx]);
    }
    char path[1200];
    snprintf(path, sizeof(path), "%s/held/" CODE_A, out);
    struct stat info;
    CU_ASSERT_NOT_EQUAL(stat(path, &info), 0); /* the refused night wrote nothing */
    snprintf(path, sizeof(path), "%s/both/2026-12-01", out);
    CU_ASSERT_NOT_EQUAL(stat(path, &info), 0); /* nothing of theirs under OUT/<D>/ */
    /* A's schedule lock held by another session (a refresh of A's): A's next night waits for
     * it, B's does not (D130: each municipality's schedule has its own lock) */
    snprintf(command_line, sizeof(command_line),
             "export PGDATABASE='%s'; { echo \"SET ROLE kigen_m" CODE_A
             "; BEGIN; %s;\"; sleep 12; } | psql -X -q >/dev/null 2>&1 & holder=$!; sleep 2; "
             "timeout 4 '%s' -q --municipality " CODE_A
             " run --date 2026-12-02 --out '%s/sched' >/dev/null 2>&1; a=$?; timeout 8 '%s' -q "
             "--municipality " CODE_B " run --date 2026-12-02 --out '%s/sched' >/dev/null 2>&1; "
             "b=$?; kill $holder 2>/dev/null; wait; echo \"$a $b\"",
             database, SCHEDULE_LOCK_SQL, kigen, out, kigen, out);
    char *sched = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &sched), 0);
    CU_ASSERT_STRING_EQUAL(sched != NULL ? sched : "", "124 0\n");
    free(sched);
    test_remove_dir(out);
    drop_roles(database);
}

static void a_schema_15_database_migrates_in_place(void)
{
    const char *name = getenv("PGDATABASE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(name);
    char old_db[256], new_db[256], script[1024], root[1024], command_line[8192];
    snprintf(old_db, sizeof(old_db), "%s_schema15", name);
    snprintf(new_db, sizeof(new_db), "%s_schema16", name);
    char out[] = "/tmp/kigen-test-tenancy-XXXXXX";
    test_make_temp_dir(out);
    const char *kigen = test_kigen_bin();
    test_root_path("scripts/db.sh", script, sizeof(script));
    test_root_path("", root, sizeof(root));
    /* schema 15 as kigen's migrator left it, and a city copied into it */
    snprintf(command_line, sizeof(command_line),
             "set -e; sh '%s' recreate '%s' >/dev/null 2>&1; export PGDATABASE='%s'; '%s' -q "
             "sample --residents 400 --seed 5 --as-of 2026-12-01 --csv '%s/city'; psql -X -q -v "
             "ON_ERROR_STOP=1 -c 'CREATE SCHEMA kigen; CREATE TABLE kigen.schema_version "
             "(version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL "
             "DEFAULT now())' >/dev/null; for f in '%s'/sql/0*.sql; do n=$(basename \"$f\" "
             ".sql); v=${n%%%%_*}; [ \"$v\" -le 15 ] || continue; psql -X -q -1 -v "
             "ON_ERROR_STOP=1 -f \"$f\" -c \"INSERT INTO kigen.schema_version VALUES "
             "($v, '$n')\" >/dev/null 2>&1; done; for t in offices residents cards "
             "certificates moves changes proxy_requests; do psql -X -q -v ON_ERROR_STOP=1 -c "
             "\"\\\\copy kigen.$t ($(head -1 '%s/city/'$t.csv)) FROM '%s/city/$t.csv' (FORMAT "
             "csv, HEADER)\"; done; '%s' db version",
             script, old_db, old_db, kigen, out, root, out, out, kigen);
    char *version = NULL;
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, &version), 0);
    CU_ASSERT_STRING_EQUAL(version != NULL ? version : "", "15\n");
    free(version);
    /* migrated in place, then its night; the same city loaded at schema 16, then its night */
    snprintf(
        command_line, sizeof(command_line),
        "set -e; export PGDATABASE='%s'; '%s' -q db migrate; '%s' -q run --date 2026-12-01 "
        "--out '%s/migrated' >/dev/null; psql -X -qtA -c \"SELECT count(*), string_agg(DISTINCT "
        "municipality_code, ',') FROM kigen.residents\" -c \"SELECT count(*) FROM "
        "kigen.residents_000000\" -c \"SELECT relkind FROM pg_class WHERE oid = "
        "'kigen.residents'::regclass\"",
        old_db, kigen, kigen, out);
    char *state = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &state), 0);
    CU_ASSERT_STRING_EQUAL(state != NULL ? state : "", "400|000000\n400\np\n");
    free(state);
    snprintf(command_line, sizeof(command_line),
             "set -e; sh '%s' recreate '%s' >/dev/null 2>&1; export PGDATABASE='%s'; '%s' -q db "
             "migrate; '%s' -q load '%s/city' >/dev/null; '%s' -q run --date 2026-12-01 --out "
             "'%s/fresh'",
             script, new_db, new_db, kigen, kigen, out, kigen, out);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    char migrated[1100], fresh[1100];
    snprintf(migrated, sizeof(migrated), "%s/migrated", out);
    snprintf(fresh, sizeof(fresh), "%s/fresh", out);
    const char *const files[] = {"notices.csv", "excluded.csv", "findings.csv", "districts.csv"};
    for (size_t idx = 0; idx < sizeof(files) / sizeof(files[0]); idx++)
        assert_same_file(migrated, "", fresh, "", files[idx]);
    test_remove_dir(out);
    snprintf(command_line, sizeof(command_line),
             "psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS \"%s\"' -c 'DROP DATABASE IF "
             "EXISTS \"%s\"' >/dev/null 2>&1",
             old_db, new_db);
    test_run_shell(command_line, NULL);
}

int tests_register_tenancy_db(void)
{
    static const test_case cases[] = {
        {"two_municipalities_run_their_nights_at_the_same_time",
         two_municipalities_run_their_nights_at_the_same_time},
        {"a_schema_15_database_migrates_in_place", a_schema_15_database_migrates_in_place},
        {NULL, NULL},
    };
    return tests_add_suite("tenancy_db", cases);
}
