/*
 * cmd_verify.c - `kigen verify DIR/D`: checks a run's folder, as delivered to the print
 * shop or the auditors, against its manifest.json (docs/formats.md). No database.
 *
 * Every file the manifest lists must be there with its bytes and sha256, and nothing
 * else may be (manifest.json aside): a hidden temporary of a killed write (.name.tmp)
 * counts as extra. One line per problem on stdout (`missing: NAME`, `changed: NAME
 * (sha256 differs)` or `(size N, manifest says M)`, `extra: NAME`) in the manifest's
 * order, the extras by name, then a summary line; a problem is KG_ERR_MANIFEST (exit
 * status 3), as is a folder without a manifest or with one that is not kigen's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common/manifest_read.h"
#include "common/options.h"
#include "run/run_config.h"
#include "common/sha256.h"
#include "common/i18n.h"

#define MANIFEST_NAME "manifest.json"
#define MANIFEST_READ_MAX (1024 * 1024) /* outputs.c writes at most this */
#define PATH_CAP 4096

static const char synopsis[] = N_("usage: kigen verify DIR/YYYY-MM-DD");
static const char help[] =
    N_("usage: kigen verify DIR/YYYY-MM-DD\n"
       "\n"
       "Checks a run's folder against its manifest.json: every file listed is there with the\n"
       "same size and sha256, and no other file is (a hidden .name.tmp of an unfinished write\n"
       "counts too). Prints one line per problem (missing: NAME, changed: NAME (...),\n"
       "extra: NAME) and a summary; exit status 0 when the folder matches, 3 when it does\n"
       "not or has no kigen manifest. Needs no database.\n"
       "\n"
       "  --config FILE       the configuration, for its language (default: the installed\n"
       "                      kigen.conf)\n"
       "  -h, --help          this text\n");

static const struct option long_options[] = {OPTIONS_CONFIG_ENTRY, OPTIONS_HELP_ENTRY, OPTIONS_END};

/* A name as printed: bytes that a terminal would act on become '?'. */
static void print_name(FILE *out, const char *name)
{
    for (const unsigned char *byte = (const unsigned char *)name; *byte != '\0'; byte++)
        fputc(*byte < 0x20 || *byte == 0x7f ? '?' : *byte, out);
}

/* Reads DIR/manifest.json (at most MANIFEST_READ_MAX bytes) into *out. */
static kg_err read_manifest(const char *dir, manifest *out, kg_errbuf *errbuf)
{
    char path[PATH_CAP];
    snprintf(path, sizeof(path), "%s/%s", dir, MANIFEST_NAME);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        kg_fail(errbuf, KG_ERR_MANIFEST, _("unable to verify '%s': it holds no %s"), dir,
                MANIFEST_NAME);
        kg_hint(errbuf, _("kigen verify takes the folder of one night (OUT/YYYY-MM-DD) as kigen "
                          "run wrote it, manifest.json included"));
        return KG_ERR_MANIFEST;
    }
    if (fd < 0)
        return kg_fail(errbuf, KG_ERR_IO_READ, _("unable to open '%s': %s"), path, strerror(errno));
    char *text = malloc(MANIFEST_READ_MAX + 1);
    size_t len = 0;
    ssize_t got = 0;
    while (text != NULL && len <= MANIFEST_READ_MAX &&
           (got = read(fd, text + len, MANIFEST_READ_MAX + 1 - len)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        len += (size_t)got;
    }
    int read_errno = errno;
    close(fd);
    kg_err err = KG_OK;
    char why[256];
    if (text == NULL)
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to read '%s': out of memory"), path);
    else if (got < 0)
        err = kg_fail(errbuf, KG_ERR_IO_READ, _("unable to read '%s': %s"), path,
                      strerror(read_errno));
    else if (len > MANIFEST_READ_MAX)
        err = kg_fail(errbuf, KG_ERR_MANIFEST,
                      _("unable to verify '%s': its %s is not kigen's (larger than %d bytes)"), dir,
                      MANIFEST_NAME, MANIFEST_READ_MAX);
    else if (manifest_parse(text, len, out, why, sizeof(why)) != 0)
        err =
            kg_fail(errbuf, KG_ERR_MANIFEST, _("unable to verify '%s': its %s is not kigen's (%s)"),
                    dir, MANIFEST_NAME, why);
    if (err == KG_ERR_MANIFEST)
        kg_hint(errbuf, _("ask for the folder again as kigen run wrote it (`kigen run` for the "
                          "same date rewrites the very same files from the ledger)"));
    free(text);
    return err;
}

/* Size and sha256 of dir/name; *present false when it does not exist. A folder or other
 * non-file under a listed name reads as changed (size -1). */
static kg_err hash_file(const char *dir, const char *name, bool *present, long long *bytes,
                        char sha256[SHA256_HEX_LEN + 1], kg_errbuf *errbuf)
{
    char path[PATH_CAP];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    *present = false;
    *bytes = -1;
    sha256[0] = '\0';
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return KG_OK;
    *present = true;
    struct stat info;
    if (fd < 0 && (errno == ELOOP || errno == ENXIO))
        return KG_OK; /* a symbolic link or a socket: not the file */
    if (fd < 0)
        return kg_fail(errbuf, KG_ERR_IO_READ, _("unable to open '%s': %s"), path, strerror(errno));
    if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        close(fd);
        return KG_OK;
    }
    kg_err err = sha256_fd(fd, path, NULL, NULL, sha256, bytes, errbuf);
    close(fd);
    return err;
}

static int compare_names(const void *left, const void *right)
{
    return strcmp(*(char *const *)left, *(char *const *)right);
}

/* The folder's names that the manifest does not list, sorted, into *extra (each and the
 * array freed by the caller). */
static kg_err list_extra(const char *dir, const manifest *listed, char ***extra, size_t *count,
                         kg_errbuf *errbuf)
{
    *extra = NULL;
    *count = 0;
    DIR *folder = opendir(dir);
    if (folder == NULL)
        return kg_fail(errbuf, KG_ERR_IO_READ, _("unable to list '%s': %s"), dir, strerror(errno));
    size_t cap = 0;
    kg_err err = KG_OK;
    struct dirent *entry;
    while (err == KG_OK && (entry = readdir(folder)) != NULL) {
        const char *name = entry->d_name;
        bool known =
            strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, MANIFEST_NAME) == 0;
        for (size_t idx = 0; idx < listed->count && !known; idx++)
            known = strcmp(listed->files[idx].name, name) == 0;
        if (known)
            continue;
        if (*count == cap) {
            size_t grown = cap == 0 ? 16 : cap * 2;
            char **names = realloc(*extra, grown * sizeof(*names));
            if (names == NULL) {
                err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list '%s': out of memory"), dir);
                break;
            }
            *extra = names;
            cap = grown;
        }
        if (((*extra)[*count] = strdup(name)) == NULL)
            err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list '%s': out of memory"), dir);
        else
            (*count)++;
    }
    closedir(folder);
    if (*count > 1)
        qsort(*extra, *count, sizeof(**extra), compare_names);
    return err;
}

/* Checks every listed file and the folder's other names; prints the problems. */
static kg_err check_folder(FILE *out, const char *dir, const manifest *listed, long counts[3],
                           kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    for (size_t idx = 0; idx < listed->count && err == KG_OK; idx++) {
        const manifest_file *file = &listed->files[idx];
        bool present = false;
        long long bytes = 0;
        char sha256[SHA256_HEX_LEN + 1];
        err = hash_file(dir, file->name, &present, &bytes, sha256, errbuf);
        if (err != KG_OK)
            break;
        if (!present) {
            fputs("missing: ", out);
            print_name(out, file->name);
            fputc('\n', out);
            counts[0]++;
        } else if (bytes != file->bytes || strcmp(sha256, file->sha256) != 0) {
            fputs("changed: ", out);
            print_name(out, file->name);
            if (bytes < 0)
                fputs(_(" (not a regular file)\n"), out);
            else if (bytes != file->bytes)
                fprintf(out, _(" (size %lld, manifest says %lld)\n"), bytes, file->bytes);
            else
                fputs(_(" (sha256 differs)\n"), out);
            counts[1]++;
        }
    }
    char **extra = NULL;
    size_t extra_count = 0;
    if (err == KG_OK)
        err = list_extra(dir, listed, &extra, &extra_count, errbuf);
    for (size_t idx = 0; idx < extra_count; idx++) {
        if (err == KG_OK) {
            fputs("extra: ", out);
            print_name(out, extra[idx]);
            fputs(extra[idx][0] == '.' ? _(" (a hidden file: the temporary of an unfinished or "
                                           "killed write?)\n")
                                       : "\n",
                  out);
            counts[2]++;
        }
        free(extra[idx]);
    }
    free(extra);
    return err;
}

kg_err cmd_verify(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    kg_errbuf *errbuf = &outcome->error;
    options_common common = {.conninfo = ctx->conninfo};
    const char *dir = NULL;
    options_start();
    int opt;
    while ((opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND && dir == NULL)
            dir = optarg;
        else if (opt == OPTIONS_OPERAND)
            return options_extra_operand(optarg, "verify", synopsis, errbuf);
        else if (!options_take_common(&common, opt))
            return options_fail(argc, argv, opt, long_options, "verify", synopsis, errbuf);
    }
    for (; optind < argc; optind++) {
        if (dir != NULL)
            return options_extra_operand(argv[optind], "verify", synopsis, errbuf);
        dir = argv[optind];
    }
    run_config settings = run_config_default(); /* --config or the default: its language */
    kg_err config_err = run_config_read_command(&settings, &common.config_path, errbuf);
    if (config_err != KG_OK)
        return config_err;
    if (common.help)
        return options_print_help(ctx->out, help, errbuf);
    if (dir == NULL)
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to verify: no folder given\n%s"),
                       _(synopsis));
    struct stat info;
    if (stat(dir, &info) != 0 || !S_ISDIR(info.st_mode))
        return kg_fail(errbuf, KG_ERR_IO_READ, _("unable to verify '%s': %s"), dir,
                       errno == ENOENT || errno == 0 ? _("no such folder") : strerror(errno));
    manifest listed;
    kg_err err = read_manifest(dir, &listed, errbuf);
    if (err != KG_OK)
        return err;
    long counts[3] = {0, 0, 0}; /* missing, changed, extra */
    err = check_folder(ctx->out, dir, &listed, counts, errbuf);
    long problems = counts[0] + counts[1] + counts[2];
    if (err == KG_OK && problems == 0)
        fprintf(ctx->out, _("verify %s: ok, %zu files as the manifest lists them\n"), dir,
                listed.count);
    else if (err == KG_OK)
        fprintf(ctx->out,
                _("verify %s: %ld problem(s): %ld missing, %ld changed, %ld extra (%zu files "
                  "listed)\n"),
                dir, problems, counts[0], counts[1], counts[2], listed.count);
    manifest_free(&listed);
    if (err == KG_OK && fflush(ctx->out) != 0)
        err =
            kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write the report: %s"), strerror(errno));
    if (err == KG_OK && problems > 0)
        err = kg_fail(errbuf, KG_ERR_MANIFEST,
                      _("unable to verify '%s': it does not match its manifest.json (%ld "
                        "problem(s), listed above)"),
                      dir, problems);
    return err;
}
