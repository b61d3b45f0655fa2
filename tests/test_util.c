/*
 * test_util.c - helpers shared by the suites: files, paths, and running the binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "db/db.h"
#include "test.h"

char *test_read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *sink = open_memstream(&text, &size);
    char chunk[4096];
    size_t got;
    while (sink != NULL && (got = fread(chunk, 1, sizeof(chunk), file)) > 0)
        fwrite(chunk, 1, got, sink);
    fclose(file);
    if (sink != NULL)
        fclose(sink);
    return text;
}

char *test_root_path(const char *relative, char *buf, size_t cap)
{
    const char *root = getenv("KIGEN_ROOT");
    snprintf(buf, cap, "%s/%s", root != NULL ? root : ".", relative);
    return buf;
}

char *test_data_path(const char *name, char *buf, size_t cap)
{
    const char *root = getenv("KIGEN_ROOT");
    snprintf(buf, cap, "%s/tests/data/%s", root != NULL ? root : ".", name);
    return buf;
}

int test_run_shell(const char *command_line, char **output)
{
    FILE *pipe = popen(command_line, "r");
    if (pipe == NULL)
        return -1;
    size_t size = 0;
    char *text = NULL;
    FILE *sink = open_memstream(&text, &size);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), pipe)) > 0)
        if (sink != NULL)
            fwrite(chunk, 1, got, sink);
    if (sink != NULL)
        fclose(sink);
    if (output != NULL)
        *output = text;
    else
        free(text);
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *test_kigen_bin(void)
{
    const char *bin = getenv("KIGEN_BIN");
    return bin != NULL ? bin : "./kigen";
}

int test_kigen(const char *args, char **out)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line), "'%s' %s 2>&1", test_kigen_bin(), args);
    return test_run_shell(command_line, out);
}

long test_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}

void test_sleep_ms(long ms)
{
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}

void test_loaded_database(void)
{
    char script[1024], extract[1024], command_line[4096];
    const char *name = getenv("PGDATABASE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(name);
    snprintf(command_line, sizeof(command_line),
             "sh '%s' recreate '%s' >/dev/null 2>&1 && '%s' -q db migrate && "
             "'%s' -q load '%s' >/dev/null 2>&1; test $? -le 1",
             test_root_path("scripts/db.sh", script, sizeof(script)), name, test_kigen_bin(),
             test_kigen_bin(), test_root_path("samples/extract", extract, sizeof(extract)));
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
}

long test_query_long(const char *sql)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    db_result *result = NULL;
    CU_ASSERT_EQUAL_FATAL(db_query(conn, sql, 0, NULL, &errbuf, &result), KG_OK);
    const char *value = db_result_value(result, 0, 0);
    long number = value != NULL ? strtol(value, NULL, 10) : -1;
    db_result_free(result);
    db_close(conn);
    return number;
}

void test_contains(const char *text, const char *part)
{
    CU_ASSERT_PTR_NOT_NULL(text != NULL ? strstr(text, part) : NULL);
    if (text != NULL && strstr(text, part) == NULL)
        fprintf(stderr, "\nmissing: %s\nin: %s\n", part, text);
}

void test_load_files(const char *const *files)
{
    char dir[] = "/tmp/kigen-test-extract-XXXXXX", path[1024], command_line[2048];
    test_make_temp_dir(dir);
    for (const char *const *file = files; *file != NULL; file += 2) {
        snprintf(path, sizeof(path), "%s/%s", dir, file[0]);
        FILE *out = fopen(path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(out);
        fputs(file[1], out);
        fclose(out);
    }
    snprintf(command_line, sizeof(command_line), "'%s' -q load '%s' >/dev/null 2>&1",
             test_kigen_bin(), dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    test_remove_dir(dir);
}

void test_make_temp_dir(char *template_dir)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(template_dir));
}

void test_remove_dir(const char *dir)
{
    char command_line[1024];
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", dir);
    test_run_shell(command_line, NULL);
}
