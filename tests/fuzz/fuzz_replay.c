/*
 * fuzz_replay.c - runs a fuzz target's corpus without libFuzzer: each file named, or each
 * file of each folder named (in name order), once through LLVMFuzzerTestOneInput. Built
 * with the project's compiler and flags (and the asan build's sanitizers), it is the part
 * of `make test` that needs no clang: the committed corpus, regressions included, must pass.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX_BYTES (4 * 1024 * 1024)
#define REPLAY_MAX_FILES 100000

/* Runs one file; 0 on success, 1 when it cannot be read. */
static int replay_file(const char *path, size_t *bytes)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "fuzz_replay: unable to open '%s'\n", path);
        return 1;
    }
    uint8_t *data = malloc(REPLAY_MAX_BYTES);
    size_t size = data != NULL ? fread(data, 1, REPLAY_MAX_BYTES, file) : 0;
    int failed = data == NULL || ferror(file);
    fclose(file);
    if (failed) {
        fprintf(stderr, "fuzz_replay: unable to read '%s'\n", path);
        free(data);
        return 1;
    }
    /* an exact-size copy: ASan then sees any read past the input's end */
    uint8_t *input = malloc(size > 0 ? size : 1);
    if (input == NULL) {
        free(data);
        return 1;
    }
    memcpy(input, data, size);
    free(data);
    LLVMFuzzerTestOneInput(input, size);
    free(input);
    *bytes += size;
    return 0;
}

static int compare_names(const void *one, const void *two)
{
    return strcmp(*(char *const *)one, *(char *const *)two);
}

/* Runs every regular file of a folder, in name order. */
static int replay_dir(const char *dir_path, size_t *files, size_t *bytes)
{
    DIR *dir = opendir(dir_path);
    if (dir == NULL) {
        fprintf(stderr, "fuzz_replay: unable to open folder '%s'\n", dir_path);
        return 1;
    }
    char **names = NULL;
    size_t count = 0;
    int failed = 0;
    struct dirent *entry;
    while (!failed && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char **grown =
            count < REPLAY_MAX_FILES ? realloc(names, (count + 1) * sizeof(*names)) : NULL;
        char *name = grown != NULL ? strdup(entry->d_name) : NULL;
        if (grown != NULL)
            names = grown;
        if (name == NULL)
            failed = 1;
        else
            names[count++] = name;
    }
    closedir(dir);
    qsort(names, count, sizeof(*names), compare_names);
    for (size_t idx = 0; idx < count && !failed; idx++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir_path, names[idx]);
        struct stat info;
        if (stat(path, &info) != 0 || !S_ISREG(info.st_mode))
            continue;
        failed = replay_file(path, bytes);
        (*files)++;
    }
    for (size_t idx = 0; idx < count; idx++)
        free(names[idx]);
    free(names);
    return failed;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    size_t files = 0, bytes = 0;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        struct stat info;
        int failed;
        if (stat(argv[arg_idx], &info) == 0 && S_ISDIR(info.st_mode)) {
            failed = replay_dir(argv[arg_idx], &files, &bytes);
        } else {
            failed = replay_file(argv[arg_idx], &bytes);
            files++;
        }
        if (failed)
            return 1;
    }
    const char *slash = strrchr(argv[0], '/');
    printf("%s: %zu inputs replayed (%zu bytes), no invariant broken\n",
           slash != NULL ? slash + 1 : argv[0], files, bytes);
    return 0;
}
