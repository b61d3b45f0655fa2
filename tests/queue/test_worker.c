/*
 * test_worker.c - `kigen worker` (batch/queue/worker.c, night_child.c) against the embedded
 * PostgreSQL and the sample extract: it runs the queue's nights as `kigen run` would and
 * stops when the queue is empty (--until-empty); a failing night is tried up to its limit
 * with its error kept, and the other nights finish; a run refused as busy (exit status 6)
 * is tried again without using an attempt; SIGTERM stops a waiting worker at once, and a
 * worker working a night only after it. The kill test (three workers, one killed with
 * SIGKILL) is tests/scripts/test_queue.sh.
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

/* `kigen worker --out dir --poll 1 <extra>` in the background, its stdout and stderr into
 * log_path; its pid. */
static pid_t start_worker(const char *dir, const char *extra, const char *log_path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (log_fd < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
            _exit(127);
        char command_line[1024];
        snprintf(command_line, sizeof(command_line), "exec '%s' worker --out '%s' --poll 1 %s",
                 test_kigen_bin(), dir, extra);
        execl("/bin/sh", "sh", "-c", command_line, (char *)NULL);
        _exit(127);
    }
    CU_ASSERT_FATAL(pid > 0);
    return pid;
}

/* The worker's exit status (-signal), or -1000 when it did not end within timeout_ms (it
 * is then killed). */
static int wait_worker(pid_t pid, long timeout_ms)
{
    int status = 0;
    for (long started = test_now_ms(); test_now_ms() - started < timeout_ms; test_sleep_ms(50))
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1000;
}

static int wait_for_count(const char *sql, long want, long timeout_ms)
{
    for (long started = test_now_ms(); test_now_ms() - started < timeout_ms; test_sleep_ms(50))
        if (test_query_long(sql) == want)
            return 1;
    return 0;
}

/* Two nights in date order, both done by one worker, which then stops: their folders are
 * there, the queue says done, the worker's summary counts them. */
static void the_worker_runs_the_due_nights_and_stops_when_the_queue_is_empty(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-worker-XXXXXX", log_path[128], manifest[160];
    test_make_temp_dir(dir);
    snprintf(log_path, sizeof(log_path), "%s.log", dir);
    char *out = NULL;
    CU_ASSERT_EQUAL(test_kigen("queue --date 2026-12-02", &out), 0);
    free(out);
    CU_ASSERT_EQUAL(test_kigen("queue --date 2026-12-01", &out), 0);
    free(out);
    CU_ASSERT_EQUAL(wait_worker(start_worker(dir, "--until-empty", log_path), 60000), 0);
    char *log = test_read_file(log_path);
    test_contains(log, "worker: 2 night(s) done, 0 to try again, 0 failed\n");
    test_contains(log, "night 2026-12-01 of 000000: started (run 1 of 3)");
    /* in date order: the first night's run before the second's */
    const char *first = log != NULL ? strstr(log, "run 2026-12-01: recorded") : NULL;
    const char *second = log != NULL ? strstr(log, "run 2026-12-02: recorded") : NULL;
    CU_ASSERT(first != NULL && second != NULL && first < second);
    free(log);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE state = 'done' "
                                    "AND attempts = 1 AND exit_status = 0"),
                    2);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs WHERE status = 'done'"), 2);
    for (int day = 1; day <= 2; day++) {
        snprintf(manifest, sizeof(manifest), "%s/2026-12-0%d/manifest.json", dir, day);
        CU_ASSERT_EQUAL(access(manifest, R_OK), 0);
    }
    test_remove_dir(dir);
    unlink(log_path);
}

/* A night whose run exits 2 (a date too far ahead) is tried up to its limit, after its
 * backoff, and fails with the run's error; the night before it is done; the worker exits 1. */
static void a_failing_night_fails_alone_after_its_attempts(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-worker-XXXXXX", log_path[128];
    test_make_temp_dir(dir);
    snprintf(log_path, sizeof(log_path), "%s.log", dir);
    char *out = NULL;
    CU_ASSERT_EQUAL(test_kigen("queue --date 2026-12-01", &out), 0);
    free(out);
    CU_ASSERT_EQUAL(test_kigen("queue --date 2027-06-01 --max-attempts 2", &out), 0);
    free(out);
    long started = test_now_ms();
    CU_ASSERT_EQUAL(wait_worker(start_worker(dir, "--until-empty --backoff 1", log_path), 60000),
                    1);
    CU_ASSERT(test_now_ms() - started >= 1000); /* the backoff was waited for */
    char *log = test_read_file(log_path);
    test_contains(log, "worker: 1 night(s) done, 1 to try again, 1 failed\n");
    test_contains(log, "night 2027-06-01 of 000000: failed (exit status 2), no attempt left of 2");
    free(log);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE run_date = "
                                    "'2026-12-01' AND state = 'done'"),
                    1);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE run_date = "
                                    "'2027-06-01' AND state = 'failed' AND attempts = 2 AND "
                                    "exit_status = 2 AND last_error LIKE 'unable to run the night "
                                    "of 2027-06-01:%HINT: %'"),
                    1);
    CU_ASSERT_EQUAL(test_kigen("queue status", &out), 0);
    test_contains(out, "2027-06-01  failed");
    test_contains(out, "2/2");
    test_contains(out, "unable to run the night of 2027-06-01");
    free(out);
    test_remove_dir(dir);
    unlink(log_path);
}

/* While another session holds the run lock, the night's run exits 6 and waits for another
 * try with no attempt used; once the lock is free the night is done on its first attempt. */
static void a_busy_run_is_tried_again_without_using_an_attempt(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-worker-XXXXXX", log_path[128];
    test_make_temp_dir(dir);
    snprintf(log_path, sizeof(log_path), "%s.log", dir);
    char *out = NULL;
    CU_ASSERT_EQUAL(test_kigen("queue --date 2026-12-01", &out), 0);
    free(out);
    db_conn *holder = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &holder), KG_OK);
    char key[32];
    snprintf(key, sizeof(key), "%ld", RUN_LOCK_KEY);
    const char *params[] = {key};
    CU_ASSERT_EQUAL_FATAL(db_query(holder, "SELECT pg_catalog.pg_advisory_lock($1::bigint)", 1,
                                   params, &errbuf, NULL),
                          KG_OK);
    pid_t worker = start_worker(dir, "--until-empty", log_path);
    CU_ASSERT(wait_for_count("SELECT count(*) FROM kigen.night_queue WHERE state = 'waiting' AND "
                             "exit_status = 6 AND attempts = 0",
                             1, 30000));
    db_close(holder); /* the lock is free */
    CU_ASSERT_EQUAL(wait_worker(worker, 60000), 0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE state = 'done' "
                                    "AND attempts = 1 AND exit_status = 0"),
                    1);
    char *log = test_read_file(log_path);
    test_contains(log, "night 2026-12-01 of 000000: not done (exit status 6)");
    free(log);
    test_remove_dir(dir);
    unlink(log_path);
}

/* A worker waiting for work stops at SIGTERM (and at SIGINT) within a poll, exit status 0. */
static void a_waiting_worker_stops_cleanly_on_sigterm(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-worker-XXXXXX", log_path[128];
    test_make_temp_dir(dir);
    snprintf(log_path, sizeof(log_path), "%s.log", dir);
    const int signals[] = {SIGTERM, SIGINT};
    for (size_t idx = 0; idx < 2; idx++) {
        unlink(log_path); /* the last worker's log says it is working */
        pid_t worker = start_worker(dir, "--poll 30", log_path);
        char *log = NULL;
        for (long started = test_now_ms(); test_now_ms() - started < 10000; test_sleep_ms(50)) {
            free(log);
            log = test_read_file(log_path);
            if (log != NULL && strstr(log, "working the queue") != NULL)
                break;
        }
        free(log);
        long sent = test_now_ms();
        kill(worker, signals[idx]);
        CU_ASSERT_EQUAL(wait_worker(worker, 10000), 0);
        CU_ASSERT(test_now_ms() - sent < 5000); /* not the 30 s poll */
        log = test_read_file(log_path);
        test_contains(log, "stopping (signal ");
        test_contains(log, "worker: 0 night(s) done, 0 to try again, 0 failed\n");
        free(log);
    }
    test_remove_dir(dir);
    unlink(log_path);
}

int tests_register_worker(void)
{
    static const test_case cases[] = {
        {"the_worker_runs_the_due_nights_and_stops_when_the_queue_is_empty",
         the_worker_runs_the_due_nights_and_stops_when_the_queue_is_empty},
        {"a_failing_night_fails_alone_after_its_attempts",
         a_failing_night_fails_alone_after_its_attempts},
        {"a_busy_run_is_tried_again_without_using_an_attempt",
         a_busy_run_is_tried_again_without_using_an_attempt},
        {"a_waiting_worker_stops_cleanly_on_sigterm", a_waiting_worker_stops_cleanly_on_sigterm},
        {NULL, NULL},
    };
    return tests_add_suite("worker", cases);
}
