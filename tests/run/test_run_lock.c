/*
 * test_run_lock.c - the run lock of `kigen run` (batch/run/run_lock.c) against the
 * embedded PostgreSQL: a live holder refuses a run at once and is named; the backend of
 * a killed run is waited for, at most RUN_LOCK_WAIT_MS; a run killed with kill -9 in the
 * middle of a statement does not refuse the run started right after it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "run/run_lock.h"
#include "test.h"

#define RUN_DATE "2026-12-01"

/* Starts `kigen run --date RUN_DATE --out dir` in the background, its stderr (the log,
 * by default at level info) into err_path; returns its pid. */
static pid_t start_run(const char *dir, const char *err_path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int err_fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int null_fd = open("/dev/null", O_WRONLY);
        if (err_fd < 0 || null_fd < 0 || dup2(null_fd, 1) < 0 || dup2(err_fd, 2) < 0)
            _exit(127);
        execl(test_kigen_bin(), "kigen", "run", "--date", RUN_DATE, "--out", dir, (char *)NULL);
        _exit(127);
    }
    CU_ASSERT_FATAL(pid > 0);
    return pid;
}

/* The exit status of the run started as pid; -signal when a signal ended it. */
static int wait_run(pid_t pid)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1000;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* Polls until path holds part (true), or until timeout_ms passed (false). */
static int wait_for_text(const char *path, const char *part, long timeout_ms)
{
    for (long started = test_now_ms(); test_now_ms() - started < timeout_ms; test_sleep_ms(20)) {
        char *text = test_read_file(path);
        int found = text != NULL && strstr(text, part) != NULL;
        free(text);
        if (found)
            return 1;
    }
    return 0;
}

/* Polls until sql (a count) gives want, at most timeout_ms. */
static int wait_for_count(const char *sql, long want, long timeout_ms)
{
    for (long started = test_now_ms(); test_now_ms() - started < timeout_ms; test_sleep_ms(20))
        if (test_query_long(sql) == want)
            return 1;
    return 0;
}

/* A session holding the run lock inside an open transaction, named `application`
 * (NULL: unnamed); its backend pid in *pid. */
static db_conn *hold_run_lock(const char *application, long *pid)
{
    db_conn *holder = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &holder), KG_OK);
    char key[32];
    snprintf(key, sizeof(key), "%ld", RUN_LOCK_KEY);
    const char *params[] = {key, application != NULL ? application : ""};
    db_result *result = NULL;
    CU_ASSERT_EQUAL_FATAL(db_exec(holder, "BEGIN", &errbuf), KG_OK);
    CU_ASSERT_EQUAL_FATAL(db_query(holder,
                                   "SELECT pg_catalog.pg_backend_pid(), "
                                   "pg_catalog.set_config('application_name', $2, false), "
                                   "pg_catalog.pg_advisory_lock($1::bigint)",
                                   2, params, &errbuf, &result),
                          KG_OK);
    *pid = strtol(db_result_value(result, 0, 0), NULL, 10);
    db_result_free(result);
    return holder;
}

/* A pid that no process has now: a child that ended and was reaped. */
static long ended_pid(void)
{
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    CU_ASSERT_FATAL(child > 0);
    waitpid(child, NULL, 0);
    return (long)child;
}

/* A session that holds the lock, in a live transaction, refuses the run at once with
 * status 6, naming the backend and when it connected; nothing is recorded. Whatever
 * holds it: a live kigen run (this process, named as one), or another program. */
static void a_live_holder_refuses_the_run_at_once_and_is_named(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-run-XXXXXX";
    test_make_temp_dir(dir);
    char err_path[64], live_run[64];
    snprintf(err_path, sizeof(err_path), "%s/stderr", dir);
    run_lock_application_name((long)getpid(), live_run, sizeof(live_run));
    static const char *const holders[][2] = {
        {NULL, "another kigen run is in progress (backend "},
        {"psql", "another session holds the run lock (backend "},
    };
    for (size_t idx = 0; idx < 2; idx++) {
        long backend = 0;
        db_conn *holder = hold_run_lock(idx == 0 ? live_run : holders[idx][0], &backend);
        long started = test_now_ms();
        CU_ASSERT_EQUAL(wait_run(start_run(dir, err_path)), 6);
        CU_ASSERT(test_now_ms() - started < RUN_LOCK_WAIT_MS / 2); /* not waited for */
        char expected[256];
        snprintf(expected, sizeof(expected),
                 "error: unable to start the run of " RUN_DATE ": %s%ld, connected since ",
                 holders[idx][1], backend);
        char *log = test_read_file(err_path);
        test_contains(log, expected);
        test_contains(log, " JST, idle in transaction)\n");
        test_contains(log, "HINT: wait for it to finish; nothing was done\n");
        free(log);
        CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs"), 0);
        db_close(holder);
    }
    CU_ASSERT_EQUAL(wait_run(start_run(dir, err_path)), 0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs WHERE status = 'done'"), 1);
    test_remove_dir(dir);
}

/* A session left by a kigen run of this host whose process is gone (its backend not
 * ended yet, as after a kill -9) is waited for: the run takes the lock once it ends, and
 * gives up after RUN_LOCK_WAIT_MS with status 6, naming the backend and how to end it. */
static void a_killed_runs_backend_is_waited_for_at_most_10_s(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-run-XXXXXX";
    test_make_temp_dir(dir);
    char err_path[64], killed_run[64], expected[256];
    snprintf(err_path, sizeof(err_path), "%s/stderr", dir);
    long gone = ended_pid(), backend = 0;
    run_lock_application_name(gone, killed_run, sizeof(killed_run));
    /* never ends: given up after the wait */
    db_conn *holder = hold_run_lock(killed_run, &backend);
    snprintf(expected, sizeof(expected),
             "the run lock is held by backend %ld, a kigen run whose process %ld is gone: "
             "waiting for it to end (at most 10 s)",
             backend, gone);
    long started = test_now_ms();
    CU_ASSERT_EQUAL(wait_run(start_run(dir, err_path)), 6);
    long waited = test_now_ms() - started;
    CU_ASSERT(waited >= RUN_LOCK_WAIT_MS && waited < RUN_LOCK_WAIT_MS + 5000);
    char *log = test_read_file(err_path);
    test_contains(log, expected);
    snprintf(expected, sizeof(expected),
             "error: unable to start the run of " RUN_DATE
             ": the run lock is still held by a kigen run whose process %ld is gone (backend "
             "%ld, connected since ",
             gone, backend);
    test_contains(log, expected);
    snprintf(expected, sizeof(expected), "end it now with SELECT pg_terminate_backend(%ld)\n",
             backend);
    test_contains(log, expected);
    free(log);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs"), 0);
    /* ends while the run waits: the run goes on */
    snprintf(err_path, sizeof(err_path), "%s/stderr-2", dir); /* a new file: polled at once */
    pid_t run = start_run(dir, err_path);
    CU_ASSERT(wait_for_text(err_path, "waiting for it to end", RUN_LOCK_WAIT_MS));
    db_close(holder);
    CU_ASSERT_EQUAL(wait_run(run), 0);
    log = test_read_file(err_path);
    test_contains(log, "run lock taken after ");
    free(log);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs WHERE status = 'done'"), 1);
    test_remove_dir(dir);
}

/* kill -9 of a run whose locking session is in the middle of a statement (blocked on a
 * table this test locks): its backend outlives the process, holding the run lock. The
 * run started right after it is not refused: it waits for that backend to end. */
static void a_run_killed_in_a_statement_does_not_refuse_the_next(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-run-XXXXXX";
    test_make_temp_dir(dir);
    char err_path[64];
    snprintf(err_path, sizeof(err_path), "%s/stderr", dir);
    db_conn *blocker = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &blocker), KG_OK);
    CU_ASSERT_EQUAL_FATAL(
        db_exec(blocker, "BEGIN; LOCK TABLE kigen.runs IN ACCESS EXCLUSIVE MODE", &errbuf), KG_OK);
    pid_t killed = start_run(dir, err_path);
    /* the run holds the run lock and waits for kigen.runs (its first look at the ledger) */
    CU_ASSERT(wait_for_count("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE "
                             "application_name LIKE 'kigen run %' AND wait_event_type = 'Lock'",
                             1, 20000));
    kill(killed, SIGKILL);
    CU_ASSERT_EQUAL(wait_run(killed), -SIGKILL);
    pid_t next = start_run(dir, err_path);
    test_sleep_ms(1500);
    CU_ASSERT_EQUAL(db_exec(blocker, "COMMIT", &errbuf), KG_OK);
    CU_ASSERT_EQUAL(wait_run(next), 0); /* not 6 */
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs WHERE status = 'done'"), 1);
    db_close(blocker);
    test_remove_dir(dir);
}

int tests_register_run_lock(void)
{
    static const test_case cases[] = {
        {"a_live_holder_refuses_the_run_at_once_and_is_named",
         a_live_holder_refuses_the_run_at_once_and_is_named},
        {"a_killed_runs_backend_is_waited_for_at_most_10_s",
         a_killed_runs_backend_is_waited_for_at_most_10_s},
        {"a_run_killed_in_a_statement_does_not_refuse_the_next",
         a_run_killed_in_a_statement_does_not_refuse_the_next},
        {NULL, NULL},
    };
    return tests_add_suite("run_lock", cases);
}
