/*
 * test_queue_db.c - the queue of nights (batch/queue/night_queue.c, `kigen queue`) against
 * the embedded PostgreSQL: enqueuing is idempotent and runs a failed night again; a claim
 * skips a night another claim holds (SKIP LOCKED) instead of waiting; a municipality's
 * nights are claimed in date order; an expired lease is taken over, and its first owner
 * can neither renew nor finish it any more; failures back off and stop at the limit, a
 * busy run uses no attempt; a night abandoned on its last attempt fails; the status shows
 * all of it; three processes claiming at once take each night once; with the tenancy's
 * table, every municipality is enqueued.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/db.h"
#include "queue/night_queue.h"
#include "test.h"

#define DAY1 "2026-12-01"
#define DAY2 "2026-12-02"

static db_conn *connect_or_fail(void)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    return conn;
}

/* A migrated database with an empty queue. */
static void fresh_queue(void)
{
    char script[1024], command_line[2048];
    snprintf(command_line, sizeof(command_line),
             "sh '%s' recreate \"$PGDATABASE\" >/dev/null 2>&1 && '%s' -q db migrate",
             test_root_path("scripts/db.sh", script, sizeof(script)), test_kigen_bin());
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
}

static void sql(db_conn *conn, const char *statement)
{
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_exec(conn, statement, &errbuf), KG_OK);
}

static void claim(db_conn *conn, const char *owner, int lease, night_claim *got, bool *claimed)
{
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(night_queue_claim(conn, owner, lease, got, claimed, &errbuf), KG_OK);
}

static void finish(db_conn *conn, const night_claim *night, const char *owner,
                   night_outcome outcome, int status, const char *expected_state)
{
    kg_errbuf errbuf;
    char state[12];
    CU_ASSERT_EQUAL_FATAL(
        night_queue_finish(conn, night, owner, outcome, status, "it broke", 60, state, &errbuf),
        KG_OK);
    CU_ASSERT_STRING_EQUAL(state, expected_state);
}

/* Enqueuing twice adds one night; a done night stays done; a failed night waits again
 * with its attempts renewed. */
static void enqueuing_again_keeps_the_night_and_runs_a_failed_one_again(void)
{
    fresh_queue();
    char *out = NULL;
    CU_ASSERT_EQUAL(test_kigen("queue --date " DAY1, &out), 0);
    test_contains(out, "queue 2026-12-01: 1 night(s) added, 0 failed night(s) to run again, 0 "
                       "already in the queue\n");
    free(out);
    CU_ASSERT_EQUAL(test_kigen("queue --date " DAY1, &out), 0);
    test_contains(out, "0 night(s) added, 0 failed night(s) to run again, 1 already in the queue");
    free(out);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue"), 1);
    db_conn *conn = connect_or_fail();
    sql(conn, "UPDATE kigen.night_queue SET state = 'done', attempts = 1, finished_at = now()");
    CU_ASSERT_EQUAL(test_kigen("queue --date " DAY1, &out), 0);
    test_contains(out, "0 night(s) added, 0 failed night(s) to run again, 1 already in the queue");
    free(out);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE state = 'done'"),
                    1);
    sql(conn, "UPDATE kigen.night_queue SET state = 'failed', attempts = 3, last_error = 'bad'");
    CU_ASSERT_EQUAL(test_kigen("queue --date " DAY1 " --max-attempts 5", &out), 0);
    test_contains(out, "0 night(s) added, 1 failed night(s) to run again, 0 already in the queue");
    free(out);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE state = "
                                    "'waiting' AND attempts = 0 AND max_attempts = 5"),
                    1);
    /* the default municipality, until the tenancy's table lists others */
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE "
                                    "municipality_code = '000000'"),
                    1);
    CU_ASSERT_EQUAL(test_kigen("queue --date 2026-02-30", &out), 2);
    test_contains(out, "unable to use --date '2026-02-30': not a day as YYYY-MM-DD");
    free(out);
    CU_ASSERT_EQUAL(test_kigen("queue status --max-attempts 2", &out), 2);
    free(out);
    db_close(conn);
}

/* A night another transaction holds is skipped, not waited for: the claim takes the next
 * municipality's night of the same date at once. */
static void a_claim_skips_a_locked_night_without_waiting(void)
{
    fresh_queue();
    db_conn *holder = connect_or_fail(), *worker = connect_or_fail();
    sql(holder,
        "INSERT INTO kigen.night_queue (municipality_code, run_date) VALUES ('000000', '" DAY1
        "'), ('131016', '" DAY1 "')");
    sql(holder, "BEGIN");
    sql(holder, "SELECT 1 FROM kigen.night_queue WHERE municipality_code = '000000' FOR UPDATE");
    sql(worker, "SET lock_timeout = '2s'"); /* a claim that waited would fail */
    night_claim got;
    bool claimed = false;
    claim(worker, "host-b:2", 60, &got, &claimed);
    CU_ASSERT(claimed);
    CU_ASSERT_STRING_EQUAL(got.municipality, "131016");
    claim(worker, "host-b:2", 60, &got, &claimed); /* the other one is still held */
    CU_ASSERT(!claimed);
    sql(holder, "ROLLBACK");
    claim(worker, "host-b:2", 60, &got, &claimed);
    CU_ASSERT(claimed);
    CU_ASSERT_STRING_EQUAL(got.municipality, "000000");
    CU_ASSERT_EQUAL(got.attempts, 1);
    db_close(holder);
    db_close(worker);
}

/* The next night of a municipality waits until its earlier one is done. */
static void a_municipalitys_nights_run_in_date_order(void)
{
    fresh_queue();
    db_conn *conn = connect_or_fail();
    sql(conn, "INSERT INTO kigen.night_queue (run_date) VALUES ('" DAY2 "'), ('" DAY1 "')");
    night_claim first, second;
    bool claimed = false;
    claim(conn, "a:1", 60, &first, &claimed);
    CU_ASSERT(claimed);
    ASSERT_DATE(first.run_date, DAY1);
    claim(conn, "b:2", 60, &second, &claimed);
    CU_ASSERT(!claimed); /* DAY2 waits for DAY1 */
    finish(conn, &first, "a:1", NIGHT_DONE, 0, "done");
    claim(conn, "b:2", 60, &second, &claimed);
    CU_ASSERT(claimed);
    ASSERT_DATE(second.run_date, DAY2);
    db_close(conn);
}

/* A lease that expired is taken over by another worker; the first can then neither renew
 * nor finish the night. */
static void an_expired_lease_is_taken_over_and_its_owner_cannot_finish(void)
{
    fresh_queue();
    db_conn *conn = connect_or_fail();
    sql(conn, "INSERT INTO kigen.night_queue (run_date) VALUES ('" DAY1 "')");
    night_claim by_a, by_b;
    bool claimed = false, held = false;
    kg_errbuf errbuf;
    claim(conn, "a:1", 3, &by_a, &claimed);
    CU_ASSERT(claimed);
    CU_ASSERT_STRING_EQUAL(by_a.previous_owner, "");
    claim(conn, "b:2", 3, &by_b, &claimed);
    CU_ASSERT(!claimed); /* the lease holds */
    CU_ASSERT_EQUAL(night_queue_renew(conn, &by_a, "a:1", 3, &held, &errbuf), KG_OK);
    CU_ASSERT(held);
    sql(conn, "UPDATE kigen.night_queue SET lease_expires_at = now() - interval '1 second'");
    claim(conn, "b:2", 3, &by_b, &claimed);
    CU_ASSERT(claimed);
    CU_ASSERT_STRING_EQUAL(by_b.previous_owner, "a:1");
    CU_ASSERT_EQUAL(by_b.attempts, 2);
    CU_ASSERT_EQUAL(night_queue_renew(conn, &by_a, "a:1", 3, &held, &errbuf), KG_OK);
    CU_ASSERT(!held);
    finish(conn, &by_a, "a:1", NIGHT_DONE, 0, ""); /* no longer a's */
    CU_ASSERT_EQUAL(
        test_query_long("SELECT count(*) FROM kigen.night_queue WHERE state = 'running' AND "
                        "lease_owner = 'b:2'"),
        1);
    finish(conn, &by_b, "b:2", NIGHT_DONE, 0, "done");
    db_close(conn);
}

/* A failure waits for its backoff (doubling), a busy run uses no attempt, and the last
 * failure is final, with its error. */
static void failures_back_off_up_to_the_limit_and_busy_is_free(void)
{
    fresh_queue();
    db_conn *conn = connect_or_fail();
    sql(conn, "INSERT INTO kigen.night_queue (run_date, max_attempts) VALUES ('" DAY1 "', 2)");
    night_claim night;
    bool claimed = false;
    claim(conn, "a:1", 60, &night, &claimed);
    CU_ASSERT(claimed);
    finish(conn, &night, "a:1", NIGHT_NOT_STARTED, 6, "waiting"); /* busy */
    CU_ASSERT_EQUAL(test_query_long("SELECT attempts FROM kigen.night_queue"), 0);
    CU_ASSERT_EQUAL(test_query_long("SELECT round(extract(epoch FROM next_try_at - now())) FROM "
                                    "kigen.night_queue"),
                    60);
    sql(conn, "UPDATE kigen.night_queue SET next_try_at = now()");
    claim(conn, "a:1", 60, &night, &claimed);
    CU_ASSERT_EQUAL(night.attempts, 1);
    finish(conn, &night, "a:1", NIGHT_FAILED, 2, "waiting");
    CU_ASSERT_EQUAL(test_query_long("SELECT round(extract(epoch FROM next_try_at - now())) FROM "
                                    "kigen.night_queue"),
                    60);
    claim(conn, "a:1", 60, &night, &claimed);
    CU_ASSERT(!claimed); /* not due yet */
    sql(conn, "UPDATE kigen.night_queue SET next_try_at = now()");
    claim(conn, "a:1", 60, &night, &claimed);
    CU_ASSERT(claimed);
    CU_ASSERT_EQUAL(night.attempts, 2);
    finish(conn, &night, "a:1", NIGHT_FAILED, 2, "failed");
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE state = "
                                    "'failed' AND exit_status = 2 AND last_error = 'it broke' "
                                    "AND finished_at IS NOT NULL AND lease_owner IS NULL"),
                    1);
    /* the backoff doubles: the third failure of five waits four times the first */
    sql(conn, "UPDATE kigen.night_queue SET state = 'waiting', max_attempts = 5, finished_at = "
              "NULL, attempts = 2, next_try_at = now()");
    claim(conn, "a:1", 60, &night, &claimed);
    finish(conn, &night, "a:1", NIGHT_FAILED, 4, "waiting");
    CU_ASSERT_EQUAL(test_query_long("SELECT round(extract(epoch FROM next_try_at - now())) FROM "
                                    "kigen.night_queue"),
                    240);
    db_close(conn);
}

/* A night whose worker died on its last attempt fails, with the worker named; the status
 * shows every state. */
static void an_abandoned_last_attempt_fails_and_the_status_shows_it(void)
{
    fresh_queue();
    db_conn *conn = connect_or_fail();
    sql(conn, "INSERT INTO kigen.night_queue (run_date, state, attempts, max_attempts, "
              "lease_owner, lease_expires_at, started_at) VALUES ('" DAY1 "', 'running', 3, 3, "
              "'gone:9', now() - interval '1 minute', now() - interval '2 minutes'), "
              "('" DAY2 "', 'running', 1, 3, 'alive:7', now() + interval '1 minute', now())");
    sql(conn, "INSERT INTO kigen.night_queue (municipality_code, run_date, attempts, last_error, "
              "next_try_at) VALUES ('131016', '" DAY1 "', 1, E'unable to run\\nHINT: fix it', "
              "now() + interval '1 hour')");
    long failed = 0;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL(night_queue_fail_abandoned(conn, "worker %s is gone", &failed, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(failed, 1);
    char *out = NULL;
    CU_ASSERT_EQUAL(test_kigen("queue status", &out), 0);
    test_contains(out, "nights in the queue: 3 (waiting 1, running 1, done 0, failed 1)\n");
    test_contains(out, "000000        2026-12-01  failed");
    test_contains(out, "worker gone:9 is gone");
    test_contains(out, "alive:7");
    test_contains(out, "unable to run / HINT: fix it");
    free(out);
    CU_ASSERT_EQUAL(test_kigen("queue status --date " DAY2, &out), 0); /* one date's nights */
    test_contains(out, "nights in the queue: 1 (waiting 0, running 1, done 0, failed 0)\n");
    free(out);
    db_close(conn);
}

#define CLAIMERS 3
#define STRESS_NIGHTS 60

/* One claimer of the stress test, in a child process: claims and finishes nights until
 * none is due, writing each claimed municipality to its file. */
static void claim_until_none(const char *path, const char *owner)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    FILE *file = fopen(path, "w");
    if (file == NULL || db_connect(NULL, &errbuf, &conn) != KG_OK)
        _exit(2);
    for (;;) {
        night_claim got;
        bool claimed = false;
        char state[12];
        if (night_queue_claim(conn, owner, 60, &got, &claimed, &errbuf) != KG_OK)
            _exit(3);
        if (!claimed)
            break;
        fprintf(file, "%s\n", got.municipality);
        if (night_queue_finish(conn, &got, owner, NIGHT_DONE, 0, NULL, 60, state, &errbuf) !=
                KG_OK ||
            strcmp(state, "done") != 0)
            _exit(4);
    }
    fclose(file);
    db_close(conn);
    _exit(0);
}

/* Three processes claim the nights of sixty municipalities at once: every night is claimed
 * exactly once, none twice, none left. */
static void three_claimers_at_once_take_each_night_once(void)
{
    fresh_queue();
    db_conn *conn = connect_or_fail();
    sql(conn, "INSERT INTO kigen.night_queue (municipality_code, run_date) SELECT "
              "to_char(100000 + code, 'FM000000'), '" DAY1 "' FROM generate_series(1, 60) code");
    db_close(conn);
    char dir[] = "/tmp/kigen-test-claims-XXXXXX", paths[CLAIMERS][96];
    test_make_temp_dir(dir);
    pid_t claimers[CLAIMERS];
    fflush(NULL);
    for (int idx = 0; idx < CLAIMERS; idx++) {
        char owner[32];
        snprintf(paths[idx], sizeof(paths[idx]), "%s/claims%d", dir, idx);
        snprintf(owner, sizeof(owner), "claimer:%d", idx);
        claimers[idx] = fork();
        if (claimers[idx] == 0)
            claim_until_none(paths[idx], owner);
        CU_ASSERT_FATAL(claimers[idx] > 0);
    }
    char seen[STRESS_NIGHTS + 1];
    memset(seen, 0, sizeof(seen));
    int total = 0, twice = 0;
    for (int idx = 0; idx < CLAIMERS; idx++) {
        int status = -1;
        waitpid(claimers[idx], &status, 0);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        FILE *file = fopen(paths[idx], "r");
        CU_ASSERT_PTR_NOT_NULL_FATAL(file);
        char line[32];
        while (fgets(line, sizeof(line), file) != NULL) {
            long code = strtol(line, NULL, 10) - 100000;
            CU_ASSERT_FATAL(code >= 1 && code <= STRESS_NIGHTS);
            twice += seen[code]++ > 0;
            total++;
        }
        fclose(file);
    }
    CU_ASSERT_EQUAL(total, STRESS_NIGHTS);
    CU_ASSERT_EQUAL(twice, 0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE state = 'done' "
                                    "AND attempts = 1"),
                    STRESS_NIGHTS);
    test_remove_dir(dir);
}

/* With the tenancy's kigen.municipalities (migration 016, its essentials made here by hand):
 * every municipality it lists, the default one only when it is alone or holds residents. */
static void every_listed_municipality_is_enqueued_the_default_when_it_has_residents(void)
{
    fresh_queue();
    db_conn *conn = connect_or_fail();
    /* the default alone (016 lists it) */
    char *out = NULL;
    CU_ASSERT_EQUAL(test_kigen("queue --date " DAY1, &out), 0);
    test_contains(out, "1 night(s) added");
    free(out);
    /* two named ones, as the list gives them (their roles and partitions are not needed to
     * enqueue: kigen municipality add's part, tested in the tenancy suites); the default
     * holds no resident: no night of its own */
    const char *const named = "INSERT INTO kigen.municipalities (municipality_code, name, "
                              "role_name) VALUES ('131016', '千代田区', 'kigen_m131016'), "
                              "('271004', '大阪市', 'kigen_m271004')";
    sql(conn, named);
    CU_ASSERT_EQUAL(test_kigen("queue --date " DAY2, &out), 0);
    test_contains(out, "2 night(s) added");
    free(out);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE run_date = '" DAY2
                                    "' AND municipality_code IN ('131016', '271004')"),
                    2);
    /* a city whose data are the default's (loaded while it was alone), then named ones */
    sql(conn, "DELETE FROM kigen.municipalities WHERE municipality_code <> '000000'");
    char extract[1024], command_line[2048];
    snprintf(command_line, sizeof(command_line), "'%s' -q load '%s' >/dev/null 2>&1",
             test_kigen_bin(), test_root_path("samples/extract", extract, sizeof(extract)));
    test_run_shell(command_line, NULL); /* exit 1: its rejected rows */
    CU_ASSERT(test_query_long("SELECT count(*) FROM kigen.residents") > 0);
    sql(conn, named);
    CU_ASSERT_EQUAL(test_kigen("queue --date 2026-12-03", &out), 0);
    test_contains(out, "3 night(s) added");
    free(out);
    /* the operator's command: never one municipality's, whatever is asked (D151) */
    CU_ASSERT_EQUAL(test_kigen("--municipality 131016 queue status", &out), 2);
    test_contains(out, "unable to run kigen queue for municipality 131016: it works for every "
                       "municipality, as the operator's role");
    free(out);
    char conf[] = "/tmp/kigen-test-queue-XXXXXX";
    int conf_fd = mkstemp(conf);
    CU_ASSERT_FATAL(conf_fd >= 0);
    CU_ASSERT_EQUAL(write(conf_fd, "municipality = 131016\n", 22), 22);
    close(conf_fd);
    char args[256];
    snprintf(args, sizeof(args), "queue status --date 2026-12-03 --config '%s'", conf);
    CU_ASSERT_EQUAL(test_kigen(args, &out), 0); /* the configuration's is not taken */
    test_contains(out, "131016");
    free(out);
    unlink(conf);
    sql(conn, "DELETE FROM kigen.municipalities WHERE municipality_code <> '000000'");
    db_close(conn);
}

/* The nightly enqueue takes off the queue the done nights dated more than 35 days before
 * its date (D152); waiting and failed ones stay whatever their date, and so does a done
 * night exactly 35 days old. */
static void done_nights_over_35_days_old_leave_the_queue(void)
{
    fresh_queue();
    db_conn *conn = connect_or_fail();
    sql(conn, "INSERT INTO kigen.night_queue (run_date, state, attempts) VALUES "
              "('2026-10-25', 'done', 1), ('2026-10-26', 'done', 2), ('2026-10-27', 'done', 1), "
              "('2026-10-20', 'failed', 3), ('2026-10-21', 'waiting', 0)");
    char *out = NULL;
    CU_ASSERT_EQUAL(test_kigen("queue --date " DAY1, &out), 0);
    test_contains(out, "queue 2026-12-01: 1 night(s) added");
    test_contains(out, "queue: 2 done night(s) dated before 2026-10-27 taken off the queue (their "
                       "runs stay in the ledger)\n");
    free(out);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE run_date IN "
                                    "('2026-10-27', '2026-10-20', '2026-10-21', '" DAY1 "')"),
                    4);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue"), 4);
    /* again: nothing left to take off, and nothing said of it */
    CU_ASSERT_EQUAL(test_kigen("queue --date " DAY1, &out), 0);
    CU_ASSERT_PTR_NULL(out != NULL ? strstr(out, "taken off") : NULL);
    free(out);
    /* an enqueue of an earlier date keeps what is within 35 days of that date */
    CU_ASSERT_EQUAL(test_kigen("queue --date 2026-11-01", &out), 0);
    CU_ASSERT_PTR_NULL(out != NULL ? strstr(out, "taken off") : NULL);
    free(out);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.night_queue WHERE state = 'done' "
                                    "AND run_date = '2026-10-27'"),
                    1);
    db_close(conn);
}

int tests_register_queue_db(void)
{
    static const test_case cases[] = {
        {"enqueuing_again_keeps_the_night_and_runs_a_failed_one_again",
         enqueuing_again_keeps_the_night_and_runs_a_failed_one_again},
        {"a_claim_skips_a_locked_night_without_waiting",
         a_claim_skips_a_locked_night_without_waiting},
        {"a_municipalitys_nights_run_in_date_order", a_municipalitys_nights_run_in_date_order},
        {"an_expired_lease_is_taken_over_and_its_owner_cannot_finish",
         an_expired_lease_is_taken_over_and_its_owner_cannot_finish},
        {"failures_back_off_up_to_the_limit_and_busy_is_free",
         failures_back_off_up_to_the_limit_and_busy_is_free},
        {"an_abandoned_last_attempt_fails_and_the_status_shows_it",
         an_abandoned_last_attempt_fails_and_the_status_shows_it},
        {"three_claimers_at_once_take_each_night_once",
         three_claimers_at_once_take_each_night_once},
        {"every_listed_municipality_is_enqueued_the_default_when_it_has_residents",
         every_listed_municipality_is_enqueued_the_default_when_it_has_residents},
        {"done_nights_over_35_days_old_leave_the_queue",
         done_nights_over_35_days_old_leave_the_queue},
        {NULL, NULL},
    };
    return tests_add_suite("queue_db", cases);
}
