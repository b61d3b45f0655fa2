/*
 * test_util.c - helpers shared by the suites: files, paths, and running the binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

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
