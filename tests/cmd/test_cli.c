/*
 * test_cli.c - kigen's command line through the built binary (KIGEN_BIN): every command's
 * --help, the version, option errors, where the database comes from (--db anywhere,
 * libpq's environment, the embedded cluster of the binary's checkout and nothing for an
 * installed copy), passwords refused, application_name, the run date's guard, the exit
 * status of a night with bad_data (--strict) and a load that rejects every row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <hb.h>
#include <xlsxwriter.h>

#include "common/clock.h"
#include "db/db.h"
#include "db/migrations.h"
#include "test.h"

#define RUN_DATE "2026-12-01"
#define UNSET_PG "env -u PGHOST -u PGHOSTADDR -u PGPORT -u PGUSER -u PGDATABASE -u PGSERVICE "

/* Runs `<prefix> '<binary>' <args>` with stdout (stream 1) or stderr (stream 2) into *text
 * (the caller frees it); returns the exit status. */
static int cli(const char *prefix, const char *binary, const char *args, int stream, char **text)
{
    char command_line[8192];
    snprintf(command_line, sizeof(command_line), "%s '%s' %s %s", prefix,
             binary != NULL ? binary : test_kigen_bin(), args,
             stream == 1 ? "2>/dev/null" : "2>&1 >/dev/null");
    char *output = NULL;
    int status = test_run_shell(command_line, &output);
    if (text != NULL)
        *text = output != NULL ? output : strdup("");
    else
        free(output);
    return status;
}

static void write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fputs(text, file);
    fclose(file);
}

static void every_command_answers_help_on_stdout(void)
{
    static const char *const commands[] = {"db",           "load",           "run",
                                           "sample",       "export",         "forms",
                                           "forms return", "forms status",   "forms reissue",
                                           "notices",      "notices return", "notices status",
                                           "purge",        "queue",          "worker",
                                           "expiry",       "wareki",         "barcode",
                                           "template",     "template check", "template preview",
                                           "version",      "municipality"};
    for (size_t idx = 0; idx < sizeof(commands) / sizeof(commands[0]); idx++) {
        const char *const flags[] = {"--help", "-h"};
        for (size_t flag = 0; flag < 2; flag++) {
            char args[128], expected[128];
            snprintf(args, sizeof(args), "%s %s", commands[idx], flags[flag]);
            snprintf(expected, sizeof(expected), "usage: kigen %s",
                     strncmp(commands[idx], "template ", 9) == 0 ? "template" : commands[idx]);
            char *out = NULL;
            int status = cli("", NULL, args, 1, &out);
            CU_ASSERT_EQUAL(status, 0);
            CU_ASSERT_EQUAL(strncmp(out, expected, strlen(expected)), 0);
            if (status != 0 || strncmp(out, expected, strlen(expected)) != 0)
                fprintf(stderr, "\nkigen %s: exit %d\n%s", args, status, out);
            free(out);
        }
    }
    /* kigen's own, with the command list */
    char *out = NULL;
    CU_ASSERT_EQUAL(cli("", NULL, "--help", 1, &out), 0);
    test_contains(out,
                  "usage: kigen [--db CONNINFO] [--municipality CODE] [-v|-q] COMMAND [OPTIONS]\n");
    test_contains(out, "\n  version      ");
    test_contains(out,
                  "\n  notices      notices return|status: notices the post office brought back\n");
    free(out);
    CU_ASSERT_EQUAL(cli("", NULL, "-h", 1, &out), 0);
    test_contains(out, "'kigen COMMAND --help' shows a command's options.");
    free(out);
    /* --help needs nothing else: no database, no --out */
    CU_ASSERT_EQUAL(cli("PGHOST=/nonexistent", NULL, "run --help", 1, &out), 0);
    test_contains(out, "  --force ");
    test_contains(out, "  --strict ");
    free(out);
}

static void version_names_kigen_the_schema_and_four_libraries(void)
{
    char libpq[32], expected[512];
    db_client_version(libpq, sizeof(libpq));
    snprintf(expected, sizeof(expected),
             "kigen 0.1.0\nschema version %d\nlibpq %s\ncairo %s\nharfbuzz %s\nlibxlsxwriter %s\n",
             migration_table[migration_count - 1].version, libpq, cairo_version_string(),
             hb_version_string(), LXW_VERSION);
    CU_ASSERT_EQUAL(migration_table[migration_count - 1].version, migration_count);
    const char *const spellings[] = {"--version", "-V", "version"};
    for (size_t idx = 0; idx < 3; idx++) {
        char *out = NULL;
        /* no database needed */
        CU_ASSERT_EQUAL(cli("PGHOST=/nonexistent", NULL, spellings[idx], 1, &out), 0);
        CU_ASSERT_STRING_EQUAL(out, expected);
        free(out);
    }
    /* a configuration that cannot be read: said, and the version printed all the same (D161) */
    char conf[] = "/tmp/kigen-test-version-XXXXXX";
    int conf_fd = mkstemp(conf);
    CU_ASSERT_FATAL(conf_fd >= 0);
    close(conf_fd);
    write_file(conf, "lead_days = soon\n");
    char args[128];
    snprintf(args, sizeof(args), "version --config '%s'", conf);
    char *out = NULL;
    CU_ASSERT_EQUAL(cli("PGHOST=/nonexistent", NULL, args, 1, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, expected);
    free(out);
    char *err = NULL;
    CU_ASSERT_EQUAL(cli("PGHOST=/nonexistent", NULL, args, 2, &err), 0);
    test_contains(err, "lead_days");
    test_contains(err, "(the version is printed all the same)\n");
    free(err);
    unlink(conf);
    CU_ASSERT_EQUAL(cli("", NULL, "version extra", 2, &err), 2);
    test_contains(err, "unable to parse argument 'extra': kigen version does not take it\n"
                       "usage: kigen version\n");
    free(err);
}

static void unknown_or_incomplete_options_exit_2_with_the_usage(void)
{
    static const char *const commands[] = {"db",      "load",    "run",      "sample",
                                           "export",  "purge",   "expiry",   "wareki",
                                           "barcode", "version", "template", "notices"};
    for (size_t idx = 0; idx < sizeof(commands) / sizeof(commands[0]); idx++) {
        char args[128], expected[256], usage[128];
        snprintf(args, sizeof(args), "%s --bogus", commands[idx]);
        snprintf(expected, sizeof(expected),
                 "error: unable to parse option '--bogus': not an option of kigen %s\n",
                 commands[idx]);
        snprintf(usage, sizeof(usage), "\nusage: kigen %s", commands[idx]);
        char *err = NULL;
        CU_ASSERT_EQUAL(cli("", NULL, args, 2, &err), 2);
        test_contains(err, expected);
        test_contains(err, usage);
        free(err);
    }
    char *err = NULL;
    CU_ASSERT_EQUAL(cli("", NULL, "forms status --undo", 2, &err), 2);
    test_contains(err, "unable to parse option '--undo': not an option of kigen forms status\n"
                       "usage: kigen forms status ");
    free(err);
    CU_ASSERT_EQUAL(cli("", NULL, "run --out /tmp --date", 2, &err), 2);
    test_contains(err, "unable to parse option '--date': it needs a value\nusage: kigen run ");
    free(err);
    CU_ASSERT_EQUAL(cli("", NULL, "load /tmp --bulk=yes", 2, &err), 2);
    test_contains(err, "unable to parse option '--bulk=yes': it takes no value\n");
    free(err);
    CU_ASSERT_EQUAL(cli("", NULL, "run --d 2026-12-01", 2, &err), 2);
    test_contains(err, "unable to parse option '--d': ambiguous: --date, --dry-run or --db?\n");
    free(err);
    CU_ASSERT_EQUAL(cli("", NULL, "--bogus db version", 2, &err), 2);
    test_contains(err, "unable to parse option '--bogus': not an option of kigen\n"
                       "usage: kigen [--db CONNINFO]");
    free(err);
    CU_ASSERT_EQUAL(cli("", NULL, "nosuchcommand", 2, &err), 2);
    test_contains(err, "unable to run 'nosuchcommand': not a command of kigen\n");
    free(err);
    /* a filter takes no --db: it never connects */
    CU_ASSERT_EQUAL(cli("", NULL, "wareki --db dbname=x", 2, &err), 2);
    test_contains(err, "unable to parse option '--db': not an option of kigen wareki\n");
    free(err);
}

static void options_and_operands_mix_in_any_order(void)
{
    char *first = NULL, *second = NULL;
    const char *input = "printf 'type,birth_date,issued_on\\nsign,1992-02-29,2021-03-01\\n' |";
    CU_ASSERT_EQUAL(cli(input, NULL, "expiry --feb29=mar1 --w2", 1, &first), 0);
    CU_ASSERT_EQUAL(cli(input, NULL, "expiry --w2 --feb29 mar1", 1, &second), 0);
    CU_ASSERT_STRING_EQUAL(first, second);
    CU_ASSERT_STRING_EQUAL(first, "expiry,window_open,cause\n2026-03-01,2025-12-01,birthday\n");
    free(first);
    free(second);
    /* an unambiguous prefix is the option (getopt_long) */
    CU_ASSERT_EQUAL(cli(input, NULL, "expiry --feb=mar1 --w2", 1, &first), 0);
    CU_ASSERT_STRING_EQUAL(first, "expiry,window_open,cause\n2026-03-01,2025-12-01,birthday\n");
    free(first);
    /* after --, everything is an operand */
    char *err = NULL;
    CU_ASSERT_EQUAL(cli("", NULL, "wareki -- --w2", 2, &err), 2);
    test_contains(err, "unable to parse argument '--w2': kigen wareki does not take it\n");
    free(err);
}

static void db_is_taken_after_the_command_too(void)
{
    test_loaded_database();
    const char *name = getenv("PGDATABASE");
    char args[512], *out = NULL, *err = NULL;
    /* after the command's name: it wins over the environment */
    snprintf(args, sizeof(args), "db version --db 'dbname=%s'", name);
    CU_ASSERT_EQUAL(cli("PGDATABASE=nosuchdb", NULL, args, 1, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "18\n");
    free(out);
    /* before it, as a database name */
    snprintf(args, sizeof(args), "--db '%s' db version", name);
    CU_ASSERT_EQUAL(cli("PGDATABASE=nosuchdb", NULL, args, 1, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "18\n");
    free(out);
    /* the command's own wins over the one before it */
    snprintf(args, sizeof(args), "--db dbname=nosuchdb db version --db 'dbname=%s'", name);
    CU_ASSERT_EQUAL(cli("", NULL, args, 1, &out), 0);
    CU_ASSERT_STRING_EQUAL(out, "18\n");
    free(out);
    /* every command that connects takes it at the end */
    char dir[] = "/tmp/kigen-test-cli-XXXXXX", conf[256], with_dir[4][512];
    test_make_temp_dir(dir);
    snprintf(with_dir[0], sizeof(with_dir[0]), "run --date 2026-12-01 --out '%s' --dry-run", dir);
    snprintf(with_dir[1], sizeof(with_dir[1]),
             "export --from 2026-12-01 --to 2026-12-01 --xlsx '%s/audit.xlsx'", dir);
    const char *const commands[] = {with_dir[0],    with_dir[1],       "load /nonexistent",
                                    "forms status", "purge --dry-run", "sample --residents 1",
                                    "db migrate"};
    for (size_t idx = 0; idx < sizeof(commands) / sizeof(commands[0]); idx++) {
        snprintf(args, sizeof(args), "%s --db 'dbname=nosuchdb'", commands[idx]);
        CU_ASSERT_EQUAL(cli("", NULL, args, 2, &err), 4);
        test_contains(err, "database \"nosuchdb\" does not exist");
        test_contains(err, "HINT: check that the server runs and accepts these settings (from "
                           "--db): host ");
        test_contains(err, ", database nosuchdb; a password comes from ~/.pgpass, PGPASSFILE or "
                           "the service file");
        free(err);
    }
    /* the configuration's db, below --db */
    snprintf(conf, sizeof(conf), "%s/kigen.conf", dir);
    write_file(conf, "db = dbname=nosuchdb application_name=from-conf\n");
    snprintf(args, sizeof(args), "forms status --config '%s'", conf);
    CU_ASSERT_EQUAL(cli("", NULL, args, 2, &err), 4);
    test_contains(err, "(from db in ");
    free(err);
    snprintf(args, sizeof(args), "forms status --config '%s' --db 'dbname=%s'", conf, name);
    CU_ASSERT_EQUAL(cli("", NULL, args, 1, &out), 0);
    test_contains(out, "overdue inquiry forms: none\n");
    free(out);
    test_remove_dir(dir);
}

static void a_password_in_db_is_refused(void)
{
    char dir[] = "/tmp/kigen-test-cli-XXXXXX", conf[256], args[512];
    test_make_temp_dir(dir);
    snprintf(conf, sizeof(conf), "%s/kigen.conf", dir);
    static const char *const lines[] = {
        "--db 'host=/tmp password=s3cr3t' db version",
        "db version --db 'dbname=kigen password=s3cr3t'",
        "load /tmp --db postgresql://kigen:s3cr3t@localhost/kigen",
        "run --date 2026-12-01 --out /tmp --db 'postgres://u:s3cr3t@h:5432/city'",
        "forms status --db \"password='s3cr3t'\"",
        "--db 'password=s3cr3t' wareki",
    };
    for (size_t idx = 0; idx < sizeof(lines) / sizeof(lines[0]); idx++) {
        char *err = NULL;
        CU_ASSERT_EQUAL(cli("PGHOST=/nonexistent", NULL, lines[idx], 2, &err), 2);
        test_contains(err, "unable to use --db: it holds a password");
        test_contains(err, "HINT: take the password out; put it in ~/.pgpass (or the file "
                           "PGPASSFILE names, mode 0600), or use a service file "
                           "(pg_service.conf: service=NAME)");
        CU_ASSERT_PTR_NULL(strstr(err, "s3cr3t")); /* never repeated */
        free(err);
    }
    /* in the configuration file: refused the same, naming the file */
    write_file(conf, "db = host=db.city.example user=kigen password=s3cr3t\n");
    const char *const commands[] = {"run --date 2026-12-01 --out /tmp", "forms status",
                                    "purge --dry-run",
                                    "export --from 2026-12-01 --to 2026-12-01 --xlsx /tmp/x.xlsx"};
    for (size_t idx = 0; idx < 4; idx++) {
        char *err = NULL;
        snprintf(args, sizeof(args), "%s --config '%s'", commands[idx], conf);
        CU_ASSERT_EQUAL(cli("", NULL, args, 2, &err), 2);
        test_contains(err, "unable to use db in ");
        test_contains(err, "kigen.conf: it holds a password");
        CU_ASSERT_PTR_NULL(strstr(err, "s3cr3t"));
        free(err);
    }
    /* an empty password is no password; a conninfo that does not parse is a usage error */
    char *err = NULL;
    CU_ASSERT_EQUAL(cli("", NULL, "db version --db 'dbname=nosuchdb password='", 2, &err), 4);
    free(err);
    CU_ASSERT_EQUAL(cli("", NULL, "db version --db 'dbname=x host'", 2, &err), 2);
    test_contains(err, "unable to use --db: missing \"=\" after \"host\"");
    free(err);
    test_remove_dir(dir);
}

static void pguser_is_honoured(void)
{
    char *err = NULL;
    CU_ASSERT_EQUAL(cli("PGUSER=nosuchuser", NULL, "db version", 2, &err), 4);
    test_contains(err, "\"nosuchuser\""); /* the server's message */
    test_contains(err, ", user nosuchuser, database ");
    CU_ASSERT_PTR_NULL(strstr(err, "make db-start"));
    free(err);
}

/* Sessions of this database waiting for a lock, named `application`. */
static long waiting(const char *application)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = "
             "pg_catalog.current_database() AND wait_event_type = 'Lock' AND application_name = "
             "'%s'",
             application);
    return test_query_long(sql);
}

/* Each command is seen by the server as `kigen <command>` (its fallback_application_name),
 * unless PGAPPNAME or the conninfo names it: the commands are held on a lock of the schema
 * table and read from pg_stat_activity while they wait. */
static void application_name_names_the_command(void)
{
    test_loaded_database();
    db_conn *holder = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &holder), KG_OK);
    CU_ASSERT_EQUAL_FATAL(
        db_exec(holder, "BEGIN; LOCK TABLE kigen.schema_version IN ACCESS EXCLUSIVE MODE", &errbuf),
        KG_OK);
    char extract[1024], command_line[4096], dir[] = "/tmp/kigen-test-cli-XXXXXX";
    test_make_temp_dir(dir);
    test_root_path("samples/extract", extract, sizeof(extract));
    snprintf(command_line, sizeof(command_line),
             "B='%s'; { \"$B\" db version & \"$B\" load '%s' & \"$B\" forms status & "
             "\"$B\" run --dry-run --date 2026-12-01 & "
             "\"$B\" export --from 2026-12-01 --to 2026-12-01 --xlsx '%s/audit.xlsx' & "
             "PGAPPNAME=by-env \"$B\" db version & "
             "\"$B\" --db application_name=by-conninfo db version & } >/dev/null 2>&1",
             test_kigen_bin(), extract, dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    static const char *const names[] = {"kigen db version", "kigen load",   "kigen forms status",
                                        "kigen run",        "kigen export", "by-env",
                                        "by-conninfo"};
    for (size_t idx = 0; idx < sizeof(names) / sizeof(names[0]); idx++) {
        long seen = 0;
        for (int tries = 0; tries < 500 && seen == 0; tries++) {
            seen = waiting(names[idx]);
            if (seen == 0)
                test_sleep_ms(20);
        }
        CU_ASSERT_EQUAL(seen, 1);
        if (seen != 1)
            fprintf(stderr, "\nno session named '%s' waits\n", names[idx]);
    }
    CU_ASSERT_EQUAL(db_exec(holder, "ROLLBACK", &errbuf), KG_OK);
    db_close(holder);
    /* they finish once the lock is gone */
    for (int tries = 0; tries < 1000; tries++) {
        if (test_query_long("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE "
                            "application_name LIKE 'kigen %' OR application_name LIKE 'by-%'") == 0)
            break;
        test_sleep_ms(20);
    }
    test_remove_dir(dir);
}

/* A copy of the binary at <root>/<relative>, made executable. */
static void copy_binary(const char *root, const char *relative, char *path, size_t cap)
{
    char command_line[4096];
    snprintf(path, cap, "%s/%s", root, relative);
    snprintf(command_line, sizeof(command_line), "mkdir -p \"$(dirname '%s')\" && cp '%s' '%s'",
             path, test_kigen_bin(), path);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
}

static void the_embedded_cluster_is_found_from_the_binarys_checkout(void)
{
    /* this checkout's: the test cluster, its database kigen (db.sh start made it) */
    char *out = NULL, *err = NULL;
    int status = cli(UNSET_PG, NULL, "db version", 1, &out);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT(out[0] >= '0' && out[0] <= '9');
    free(out);
    /* a checkout whose cluster was never started: the hint says how to start it */
    char fake[] = "/tmp/kigen-test-cli-XXXXXX", binary[256], script[256], path[640];
    test_make_temp_dir(fake);
    copy_binary(fake, "build/release/kigen", binary, sizeof(binary));
    snprintf(script, sizeof(script), "%s/scripts/db.sh", fake);
    snprintf(path, sizeof(path), "mkdir -p %s/scripts && : >'%s'", fake, script);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(path, NULL), 0);
    char expected[700];
    snprintf(expected, sizeof(expected),
             "unable to connect to the embedded database in '%s/var/run'", fake);
    CU_ASSERT_EQUAL(cli(UNSET_PG, binary, "db version", 2, &err), 4);
    test_contains(err, expected);
    test_contains(err, "HINT: start the embedded database with 'make db-start' in the checkout");
    free(err);
    /* a server named in the environment is used instead, with its own hint */
    CU_ASSERT_EQUAL(cli(UNSET_PG "PGHOST=/nonexistent", binary, "db version", 2, &err), 4);
    test_contains(err, "unable to connect to the database: ");
    test_contains(err, "host /nonexistent, port 5432");
    CU_ASSERT_PTR_NULL(strstr(err, "make db-start"));
    free(err);
    /* the fallback directory named by var/db-location, checked as db.sh checks it */
    char cluster[] = "/tmp/kigen-test-cluster-XXXXXX", file[320], var[300];
    test_make_temp_dir(cluster);
    snprintf(file, sizeof(file), "%s/checkout", cluster);
    snprintf(path, sizeof(path), "%s\n", fake);
    write_file(file, path);
    snprintf(var, sizeof(var), "%s/var", fake);
    CU_ASSERT_EQUAL_FATAL(mkdir(var, 0700), 0);
    snprintf(file, sizeof(file), "%s/db-location", var);
    snprintf(path, sizeof(path), "%s\n", cluster);
    write_file(file, path);
    chmod(file, 0600);
    snprintf(expected, sizeof(expected), "embedded database in '%s/run'", cluster);
    CU_ASSERT_EQUAL(cli(UNSET_PG, binary, "db version", 2, &err), 4);
    test_contains(err, expected);
    free(err);
    /* a pointer others could write, or a symbolic link, or a directory of another checkout:
     * not followed (var/run, which holds nothing) */
    chmod(file, 0666);
    CU_ASSERT_EQUAL(cli(UNSET_PG, binary, "db version", 2, &err), 4);
    CU_ASSERT_PTR_NULL(strstr(err, cluster));
    test_contains(err, "/var/run'");
    free(err);
    chmod(file, 0600);
    char link_target[300], command_line[2048];
    snprintf(link_target, sizeof(link_target), "%s/pointer", fake);
    snprintf(command_line, sizeof(command_line), "mv '%s' '%s' && ln -s '%s' '%s'", file,
             link_target, link_target, file);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    CU_ASSERT_EQUAL(cli(UNSET_PG, binary, "db version", 2, &err), 4);
    CU_ASSERT_PTR_NULL(strstr(err, cluster));
    free(err);
    snprintf(command_line, sizeof(command_line),
             "rm '%s' && mv '%s' '%s' && echo /elsewhere >'%s/checkout'", file, link_target, file,
             cluster);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    CU_ASSERT_EQUAL(cli(UNSET_PG, binary, "db version", 2, &err), 4);
    CU_ASSERT_PTR_NULL(strstr(err, cluster));
    free(err);
    test_remove_dir(cluster);
    test_remove_dir(fake);
}

static void an_installed_binary_finds_no_cluster_and_ignores_kigen_today(void)
{
    char dir[] = "/tmp/kigen-test-cli-XXXXXX", binary[256];
    test_make_temp_dir(dir);
    copy_binary(dir, "usr/bin/kigen", binary, sizeof(binary));
    char *err = NULL;
    /* plain libpq defaults: its default socket, as the OS user; no embedded hint */
    CU_ASSERT_EQUAL(cli(UNSET_PG, binary, "db version", 2, &err), 4);
    test_contains(err, "unable to connect to the database: ");
    test_contains(err, "(from PGHOST, PGPORT, PGUSER, PGDATABASE, PGSERVICE or libpq's defaults)");
    CU_ASSERT_PTR_NULL(strstr(err, "make db-start"));
    free(err);
    /* KIGEN_TODAY is the tests', honoured only in a checkout: the guard uses the clock */
    char today[KDATE_ISO_LEN + 1], expected[256];
    kdate_format(clock_now_jst().day, today);
    snprintf(expected, sizeof(expected), "days after today (%s in Japan)", today);
    CU_ASSERT_EQUAL(
        cli("KIGEN_TODAY=2099-01-01", binary, "run --date 2098-12-31 --out /tmp", 2, &err), 2);
    test_contains(err, expected);
    free(err);
    test_remove_dir(dir);
}

static void a_run_date_past_max_days_ahead_is_refused_without_force(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-cli-XXXXXX", args[1024], conf[256];
    test_make_temp_dir(dir);
    char *err = NULL, *out = NULL;
    snprintf(args, sizeof(args), "run --date 2026-12-03 --out '%s'", dir);
    CU_ASSERT_EQUAL(cli("KIGEN_TODAY=2026-12-01", NULL, args, 2, &err), 2);
    test_contains(err, "error: unable to run the night of 2026-12-03: it is 2 days after today "
                       "(2026-12-01 in Japan), and a run may be at most 1 day ahead "
                       "(max_days_ahead)\n");
    test_contains(err, "HINT: nothing was done; check --date. To record a later night on purpose, "
                       "add --force");
    free(err);
    /* the typo the guard is for */
    snprintf(args, sizeof(args), "run --date 2031-06-01 --out '%s'", dir);
    CU_ASSERT_EQUAL(cli("KIGEN_TODAY=2026-12-01", NULL, args, 2, &err), 2);
    test_contains(err, "2031-06-01: it is 1643 days after today (2026-12-01 in Japan)");
    free(err);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs"), 0);
    struct stat info;
    CU_ASSERT_NOT_EQUAL(stat(dir, &info) == 0 && info.st_nlink > 2, 1); /* nothing written */
    /* a dry run records nothing: not guarded */
    CU_ASSERT_EQUAL(cli("KIGEN_TODAY=2026-12-01", NULL, "run --dry-run --date 2031-06-01", 1, &out),
                    0);
    test_contains(out, "run 2031-06-01: dry run, nothing recorded or written");
    free(out);
    /* tomorrow is allowed (a night run just after midnight's date change) */
    snprintf(args, sizeof(args), "run --date 2026-12-02 --out '%s'", dir);
    CU_ASSERT_EQUAL(cli("KIGEN_TODAY=2026-12-01", NULL, args, 1, NULL), 0);
    /* --force records a later night on purpose */
    snprintf(args, sizeof(args), "run --date 2026-12-03 --out '%s' --force", dir);
    CU_ASSERT_EQUAL(cli("KIGEN_TODAY=2026-12-01", NULL, args, 1, NULL), 0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs"), 2);
    /* max_days_ahead from the configuration, 0 to 31 */
    snprintf(conf, sizeof(conf), "%s/kigen.conf", dir);
    write_file(conf, "max_days_ahead = 0\n");
    snprintf(args, sizeof(args), "run --date 2026-12-02 --out '%s' --config '%s'", dir, conf);
    CU_ASSERT_EQUAL(cli("KIGEN_TODAY=2026-12-01", NULL, args, 2, &err), 2);
    test_contains(err, "it is 1 day after today (2026-12-01 in Japan), and a run may be at most 0 "
                       "days ahead (max_days_ahead)");
    free(err);
    write_file(conf, "max_days_ahead = 7\n");
    snprintf(args, sizeof(args), "run --date 2026-12-08 --out '%s' --config '%s' --no-render", dir,
             conf);
    CU_ASSERT_EQUAL(cli("KIGEN_TODAY=2026-12-01", NULL, args, 1, NULL), 0);
    write_file(conf, "max_days_ahead = 32\n");
    CU_ASSERT_EQUAL(cli("KIGEN_TODAY=2026-12-01", NULL, args, 2, &err), 2);
    test_contains(err, ":1: unable to use max_days_ahead = '32': a whole number from 0 to 31");
    free(err);
    test_remove_dir(dir);
}

static void bad_data_exits_0_and_1_with_strict(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-cli-XXXXXX", args[1024], conf[256];
    test_make_temp_dir(dir);
    char *out = NULL, *err = NULL;
    /* the sample city has two bad_data certificates: reported, not a failure */
    snprintf(args, sizeof(args), "run --date " RUN_DATE " --out '%s'", dir);
    CU_ASSERT_EQUAL(cli("", NULL, args, 1, &out), 0);
    test_contains(out, "  excluded bad_data          2\n");
    free(out);
    /* --strict: the same night (re-run from the ledger) is an alert */
    snprintf(args, sizeof(args), "-v run --date " RUN_DATE " --out '%s' --strict", dir);
    CU_ASSERT_EQUAL(cli("", NULL, args, 2, &err), 1);
    test_contains(err, "2 row(s) finished as exceptions");
    free(err);
    CU_ASSERT_EQUAL(cli("", NULL, "run --dry-run --date " RUN_DATE " --strict", 1, NULL), 1);
    /* strict = true in the configuration; false or absent: 0 */
    snprintf(conf, sizeof(conf), "%s/kigen.conf", dir);
    write_file(conf, "strict = true\n");
    snprintf(args, sizeof(args), "run --date " RUN_DATE " --out '%s' --config '%s'", dir, conf);
    CU_ASSERT_EQUAL(cli("", NULL, args, 1, NULL), 1);
    write_file(conf, "strict = false\n");
    CU_ASSERT_EQUAL(cli("", NULL, args, 1, NULL), 0);
    write_file(conf, "strict = yes\n");
    CU_ASSERT_EQUAL(cli("", NULL, args, 2, &err), 2);
    test_contains(err, ":1: unable to use strict = 'yes': use true or false");
    free(err);
    /* a night without bad_data is 0 with --strict too */
    CU_ASSERT_EQUAL(test_run_shell("psql -X -q -c \"UPDATE kigen.residents SET birth_date = "
                                   "'1980-01-01' WHERE resident_id = 9002; UPDATE kigen.residents "
                                   "SET birth_date = '1950-01-01' WHERE resident_id = 9023\" "
                                   ">/dev/null 2>&1",
                                   NULL),
                    0);
    snprintf(args, sizeof(args), "run --date 2026-12-02 --out '%s' --strict", dir);
    CU_ASSERT_EQUAL(cli("", NULL, args, 1, &out), 0);
    CU_ASSERT_PTR_NULL(strstr(out, "bad_data"));
    free(out);
    test_remove_dir(dir);
}

static void a_load_that_rejects_every_row_says_so_and_suggests_cp932(void)
{
    char script[1024], command_line[2048], extract[1024];
    snprintf(command_line, sizeof(command_line),
             "sh '%s' recreate \"$PGDATABASE\" >/dev/null 2>&1 && '%s' -q db migrate",
             test_root_path("scripts/db.sh", script, sizeof(script)), test_kigen_bin());
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    /* the CP932 extract read as UTF-8: every row with a name is rejected */
    char args[1200], *err = NULL;
    snprintf(args, sizeof(args), "load '%s'",
             test_root_path("samples/extract-cp932", extract, sizeof(extract)));
    CU_ASSERT_EQUAL(cli("", NULL, args, 2, &err), 1); /* rows did not reach the database */
    test_contains(err, "warning: every row of residents.csv was rejected: its bytes are CP932 "
                       "(Shift_JIS), not UTF-8: load it with --encoding cp932\n");
    test_contains(err, "warning: every row of offices.csv was rejected: its bytes are CP932");
    /* the cards are ASCII: rejected for their missing residents, no encoding advice */
    test_contains(err, "warning: every row of cards.csv was rejected (280 rows)\n");
    free(err);
    /* with the encoding, nothing is said */
    snprintf(args, sizeof(args), "load '%s' --encoding cp932", extract);
    CU_ASSERT_EQUAL(cli("", NULL, args, 2, &err), 1); /* the sample's deliberate bad rows */
    CU_ASSERT_PTR_NULL(strstr(err, "every row"));
    free(err);
}

int tests_register_cli(void)
{
    static const test_case cases[] = {
        {"every_command_answers_help_on_stdout", every_command_answers_help_on_stdout},
        {"version_names_kigen_the_schema_and_four_libraries",
         version_names_kigen_the_schema_and_four_libraries},
        {"unknown_or_incomplete_options_exit_2_with_the_usage",
         unknown_or_incomplete_options_exit_2_with_the_usage},
        {"options_and_operands_mix_in_any_order", options_and_operands_mix_in_any_order},
        {"db_is_taken_after_the_command_too", db_is_taken_after_the_command_too},
        {"a_password_in_db_is_refused", a_password_in_db_is_refused},
        {"pguser_is_honoured", pguser_is_honoured},
        {"application_name_names_the_command", application_name_names_the_command},
        {"the_embedded_cluster_is_found_from_the_binarys_checkout",
         the_embedded_cluster_is_found_from_the_binarys_checkout},
        {"an_installed_binary_finds_no_cluster_and_ignores_kigen_today",
         an_installed_binary_finds_no_cluster_and_ignores_kigen_today},
        {"a_run_date_past_max_days_ahead_is_refused_without_force",
         a_run_date_past_max_days_ahead_is_refused_without_force},
        {"bad_data_exits_0_and_1_with_strict", bad_data_exits_0_and_1_with_strict},
        {"a_load_that_rejects_every_row_says_so_and_suggests_cp932",
         a_load_that_rejects_every_row_says_so_and_suggests_cp932},
        {NULL, NULL},
    };
    return tests_add_suite("cli", cases);
}
