/*
 * test_out_file.c - the one module that creates kigen's files: 0600 under any umask,
 * complete or absent, failures that name the file and the OS error (a full device
 * through /dev/full, a directory the process may not write), stale temporaries swept
 * and nothing else, a live writer's left alone. pdf_file's write failures too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>

#include "common/out_file.h"
#include "run/pdf_file.h"
#include "test.h"

#define NOBODY_UID 65534

static void path_in(const char *dir, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
}

/* The mode bits of path (not followed); -1 when it does not exist. */
static int mode_of(const char *dir, const char *name)
{
    char path[1024];
    path_in(dir, name, path, sizeof(path));
    struct stat info;
    return lstat(path, &info) == 0 ? (int)(info.st_mode & 07777) : -1;
}

static int exists(const char *dir, const char *name)
{
    return mode_of(dir, name) >= 0;
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[1024];
    path_in(dir, name, path, sizeof(path));
    FILE *out = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    fputs(text, out);
    fclose(out);
}

static char *read_text(const char *dir, const char *name)
{
    char path[1024];
    path_in(dir, name, path, sizeof(path));
    return test_read_file(path);
}

/* Asserts the error's message, printing both when it differs. */
static void expect_message(const kg_errbuf *errbuf, const char *expected)
{
    CU_ASSERT_STRING_EQUAL(errbuf->text, expected);
    if (strcmp(errbuf->text, expected) != 0)
        fprintf(stderr, "\ngot:  %s\nwant: %s\n", errbuf->text, expected);
}

static void files_are_private_whatever_the_umask(void)
{
    char dir[] = "/tmp/kigen-test-out-XXXXXX";
    test_make_temp_dir(dir);
    mode_t saved = umask(022);
    char made[1024];
    snprintf(made, sizeof(made), "%s/a/b", dir);
    kg_errbuf errbuf = {{0}, {0}};
    CU_ASSERT_EQUAL(out_file_make_dir(made, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(mode_of(dir, "a"), 0700);
    CU_ASSERT_EQUAL(mode_of(dir, "a/b"), 0700);
    out_file file;
    CU_ASSERT_EQUAL_FATAL(out_file_begin(&file, dir, "notices.csv", &errbuf), KG_OK);
    CU_ASSERT_EQUAL(mode_of(dir, ".notices.csv.tmp"), 0600);
    CU_ASSERT_EQUAL(out_file_scratch_dir(&file, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(mode_of(dir, ".notices.csv.tmp.d"), 0700);
    CU_ASSERT_EQUAL(out_file_write(&file, "a,b\n", 4, &errbuf), KG_OK);
    CU_ASSERT_FALSE(exists(dir, "notices.csv")); /* complete or absent */
    CU_ASSERT_EQUAL(out_file_end(&file, KG_OK, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(mode_of(dir, "notices.csv"), 0600);
    CU_ASSERT_FALSE(exists(dir, ".notices.csv.tmp"));
    CU_ASSERT_FALSE(exists(dir, ".notices.csv.tmp.d"));
    char *text = read_text(dir, "notices.csv");
    CU_ASSERT_STRING_EQUAL(text != NULL ? text : "", "a,b\n");
    free(text);
    /* what a library creates by the temporary's name keeps the mode (libxlsxwriter) */
    CU_ASSERT_EQUAL_FATAL(out_file_begin(&file, dir, "audit.xlsx", &errbuf), KG_OK);
    FILE *library = fopen(file.temp_path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(library);
    fputs("PK", library);
    fclose(library);
    CU_ASSERT_EQUAL(out_file_end(&file, KG_OK, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(mode_of(dir, "audit.xlsx"), 0600);
    umask(saved);
    test_remove_dir(dir);
}

static void a_full_device_names_the_file_and_the_os_error(void)
{
    char dir[] = "/tmp/kigen-test-out-XXXXXX";
    test_make_temp_dir(dir);
    write_text(dir, "notices.csv", "yesterday's\n");
    int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
    CU_ASSERT_FATAL(full >= 0);
    out_file file;
    kg_errbuf errbuf = {{0}, {0}};
    CU_ASSERT_EQUAL_FATAL(out_file_begin(&file, dir, "notices.csv", &errbuf), KG_OK);
    CU_ASSERT_FATAL(dup2(full, file.fd) == file.fd); /* every write now: ENOSPC */
    CU_ASSERT_EQUAL(out_file_write(&file, "a,b\n", 4, &errbuf), KG_OK); /* buffered */
    CU_ASSERT_EQUAL(out_file_end(&file, KG_OK, &errbuf), KG_ERR_IO_WRITE);
    char expected[1024];
    snprintf(expected, sizeof(expected), "unable to write '%s/notices.csv': %s", dir,
             strerror(ENOSPC));
    expect_message(&errbuf, expected);
    CU_ASSERT_FALSE(exists(dir, ".notices.csv.tmp"));
    char *text = read_text(dir, "notices.csv"); /* the old file as it was */
    CU_ASSERT_STRING_EQUAL(text != NULL ? text : "", "yesterday's\n");
    free(text);
    /* a write past the buffer fails at once, and every one after it */
    static char block[OUT_FILE_BUFFER + 1];
    memset(&errbuf, 0, sizeof(errbuf));
    CU_ASSERT_EQUAL_FATAL(out_file_begin(&file, dir, "big.csv", &errbuf), KG_OK);
    CU_ASSERT_FATAL(dup2(full, file.fd) == file.fd);
    CU_ASSERT_EQUAL(out_file_write(&file, block, sizeof(block), &errbuf), KG_ERR_IO_WRITE);
    CU_ASSERT_EQUAL(file.write_errno, ENOSPC);
    CU_ASSERT_EQUAL(out_file_write(&file, "x", 1, NULL), KG_ERR_IO_WRITE);
    CU_ASSERT_EQUAL(out_file_end(&file, KG_ERR_IO_WRITE, &errbuf), KG_ERR_IO_WRITE);
    CU_ASSERT_FALSE(exists(dir, ".big.csv.tmp"));
    CU_ASSERT_FALSE(exists(dir, "big.csv"));
    close(full);
    test_remove_dir(dir);
}

static void a_pdf_on_a_full_device_names_the_file_and_the_os_error(void)
{
    char dir[] = "/tmp/kigen-test-out-XXXXXX";
    test_make_temp_dir(dir);
    int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
    CU_ASSERT_FATAL(full >= 0);
    pdf_file *file = malloc(sizeof(*file));
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    kg_errbuf errbuf = {{0}, {0}};
    CU_ASSERT_EQUAL_FATAL(
        pdf_file_open(file, dir, "notices-K01-001.pdf", 595, 842, test_date("2026-12-01"), &errbuf),
        KG_OK);
    CU_ASSERT_FATAL(dup2(full, file->out.fd) == file->out.fd);
    cairo_t *cr = cairo_create(file->surface);
    cairo_move_to(cr, 10, 10);
    cairo_line_to(cr, 100, 100);
    cairo_stroke(cr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    /* a small file: all of it in the buffer until the end, where the write fails */
    CU_ASSERT_EQUAL(pdf_file_close(file, KG_OK, &errbuf), KG_ERR_IO_WRITE);
    char expected[1024];
    snprintf(expected, sizeof(expected), "unable to write '%s/notices-K01-001.pdf': %s", dir,
             strerror(ENOSPC));
    expect_message(&errbuf, expected);
    CU_ASSERT_FALSE(exists(dir, ".notices-K01-001.pdf.tmp"));
    CU_ASSERT_FALSE(exists(dir, "notices-K01-001.pdf"));
    /* a page of noise, more than the buffer: Cairo's stream fails while it draws, and the
     * drawing's error (Cairo's "error while writing to output stream") gives way to the
     * OS's */
    memset(&errbuf, 0, sizeof(errbuf));
    CU_ASSERT_EQUAL_FATAL(
        pdf_file_open(file, dir, "notices-K01-001.pdf", 595, 842, test_date("2026-12-01"), &errbuf),
        KG_OK);
    CU_ASSERT_FATAL(dup2(full, file->out.fd) == file->out.fd);
    cairo_surface_t *noise = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 256, 256);
    unsigned char *pixels = cairo_image_surface_get_data(noise);
    unsigned state = 12345;
    for (int idx = 0; idx < cairo_image_surface_get_stride(noise) * 256; idx++) {
        state = state * 1103515245u + 12345u;
        pixels[idx] = (unsigned char)(state >> 16);
    }
    cairo_surface_mark_dirty(noise);
    cr = cairo_create(file->surface);
    cairo_set_source_surface(cr, noise, 0, 0);
    cairo_paint(cr);
    cairo_show_page(cr);
    kg_err drawn = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? KG_OK : KG_ERR_DRAW;
    cairo_destroy(cr);
    cairo_surface_destroy(noise);
    CU_ASSERT_EQUAL(file->out.write_errno, ENOSPC);
    CU_ASSERT_EQUAL(pdf_file_close(file, drawn, &errbuf), KG_ERR_IO_WRITE);
    expect_message(&errbuf, expected);
    CU_ASSERT_FALSE(exists(dir, ".notices-K01-001.pdf.tmp"));
    free(file);
    close(full);
    test_remove_dir(dir);
}

/* In a child that may not write dir (nobody, when the tests run as root; else dir made
 * read-only), begins dir/name; its message comes back through a pipe. */
static kg_err begin_without_permission(const char *dir, const char *name, char *message, size_t cap)
{
    int channel[2];
    CU_ASSERT_FATAL(pipe(channel) == 0);
    if (geteuid() != 0)
        chmod(dir, 0500);
    pid_t child = fork();
    CU_ASSERT_FATAL(child >= 0);
    if (child == 0) {
        close(channel[0]);
        if (geteuid() == 0 && (setgid(NOBODY_UID) != 0 || setuid(NOBODY_UID) != 0))
            _exit(99);
        out_file file;
        kg_errbuf errbuf = {{0}, {0}};
        kg_err err = out_file_begin(&file, dir, name, &errbuf);
        ssize_t written = write(channel[1], errbuf.text, strlen(errbuf.text));
        (void)written;
        _exit((int)err);
    }
    close(channel[1]);
    ssize_t got = read(channel[0], message, cap - 1);
    message[got > 0 ? got : 0] = '\0';
    close(channel[0]);
    int status = 0;
    waitpid(child, &status, 0);
    chmod(dir, 0700);
    return WIFEXITED(status) ? (kg_err)WEXITSTATUS(status) : KG_ERR_INTERNAL;
}

static void an_unwritable_directory_names_the_file_and_the_os_error(void)
{
    char dir[] = "/tmp/kigen-test-out-XXXXXX";
    test_make_temp_dir(dir);
    write_text(dir, "notices.csv", "yesterday's\n");
    char message[KG_ERRBUF_SIZE], expected[2048];
    CU_ASSERT_EQUAL(begin_without_permission(dir, "notices.csv", message, sizeof(message)),
                    KG_ERR_IO_WRITE);
    snprintf(expected, sizeof(expected), "unable to write '%s/notices.csv': %s", dir,
             strerror(EACCES));
    CU_ASSERT_STRING_EQUAL(message, expected);
    char *text = read_text(dir, "notices.csv");
    CU_ASSERT_STRING_EQUAL(text != NULL ? text : "", "yesterday's\n");
    free(text);
    /* a folder that cannot be made, a file name that is a folder */
    kg_errbuf errbuf = {{0}, {0}};
    char made[1024];
    snprintf(made, sizeof(made), "%s/notices.csv/2026-12-01", dir);
    CU_ASSERT_EQUAL(out_file_make_dir(made, &errbuf), KG_ERR_IO_WRITE);
    snprintf(expected, sizeof(expected), "unable to create '%s': %s", made, strerror(ENOTDIR));
    expect_message(&errbuf, expected);
    snprintf(made, sizeof(made), "%s/notices.csv", dir);
    CU_ASSERT_EQUAL(out_file_make_dir(made, &errbuf), KG_ERR_IO_WRITE);
    snprintf(expected, sizeof(expected), "unable to create '%s': %s", made, strerror(ENOTDIR));
    expect_message(&errbuf, expected);
    test_remove_dir(dir);
}

static void a_failed_writer_leaves_the_old_file_and_no_temporary(void)
{
    char dir[] = "/tmp/kigen-test-out-XXXXXX";
    test_make_temp_dir(dir);
    write_text(dir, "manifest.json", "{}\n");
    out_file file;
    kg_errbuf errbuf = {{0}, {0}};
    CU_ASSERT_EQUAL_FATAL(out_file_begin(&file, dir, "manifest.json", &errbuf), KG_OK);
    CU_ASSERT_EQUAL(out_file_scratch_dir(&file, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(out_file_write(&file, "{\"half\"", 7, &errbuf), KG_OK);
    snprintf(errbuf.text, sizeof(errbuf.text), "the caller's message");
    CU_ASSERT_EQUAL(out_file_end(&file, KG_ERR_DB_QUERY, &errbuf), KG_ERR_DB_QUERY);
    CU_ASSERT_STRING_EQUAL(errbuf.text, "the caller's message"); /* untouched */
    CU_ASSERT_EQUAL(out_file_end(&file, KG_OK, &errbuf), KG_OK); /* ended already */
    char *text = read_text(dir, "manifest.json");
    CU_ASSERT_STRING_EQUAL(text != NULL ? text : "", "{}\n");
    free(text);
    CU_ASSERT_FALSE(exists(dir, ".manifest.json.tmp"));
    CU_ASSERT_FALSE(exists(dir, ".manifest.json.tmp.d"));
    test_remove_dir(dir);
}

static void begin_replaces_a_stale_temporary_and_refuses_a_live_one(void)
{
    char dir[] = "/tmp/kigen-test-out-XXXXXX";
    test_make_temp_dir(dir);
    write_text(dir, ".x.csv.tmp", "a killed writer's half\n");
    out_file live, second;
    kg_errbuf errbuf = {{0}, {0}};
    CU_ASSERT_EQUAL_FATAL(out_file_begin(&live, dir, "x.csv", &errbuf), KG_OK);
    CU_ASSERT_EQUAL(out_file_write(&live, "mine\n", 5, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(out_file_begin(&second, dir, "x.csv", &errbuf), KG_ERR_IO_WRITE);
    char expected[1024];
    snprintf(expected, sizeof(expected), "unable to write '%s/x.csv': %s", dir, strerror(EEXIST));
    expect_message(&errbuf, expected);
    test_contains(errbuf.hint, ".x.csv.tmp' is another kigen's that is writing it");
    CU_ASSERT_EQUAL(second.fd, -1);
    CU_ASSERT_EQUAL(out_file_end(&second, KG_ERR_IO_WRITE, &errbuf), KG_ERR_IO_WRITE);
    CU_ASSERT_EQUAL(out_file_end(&live, KG_OK, &errbuf), KG_OK);
    char *text = read_text(dir, "x.csv");
    CU_ASSERT_STRING_EQUAL(text != NULL ? text : "", "mine\n");
    free(text);
    /* the same for a scratch directory a killed writer left */
    char path[1024];
    snprintf(path, sizeof(path), "%s/.y.xlsx.tmp.d", dir);
    CU_ASSERT_FATAL(mkdir(path, 0755) == 0);
    write_text(dir, ".y.xlsx.tmp.d/tmp.AbCdEfGhIj", "scratch");
    CU_ASSERT_EQUAL_FATAL(out_file_begin(&live, dir, "y.xlsx", &errbuf), KG_OK);
    CU_ASSERT_EQUAL(out_file_scratch_dir(&live, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(mode_of(dir, ".y.xlsx.tmp.d"), 0700);
    CU_ASSERT_FALSE(exists(dir, ".y.xlsx.tmp.d/tmp.AbCdEfGhIj"));
    CU_ASSERT_EQUAL(out_file_end(&live, KG_OK, &errbuf), KG_OK);
    CU_ASSERT_FALSE(exists(dir, ".y.xlsx.tmp.d"));
    test_remove_dir(dir);
}

static void a_sweep_removes_stale_temporaries_and_nothing_else(void)
{
    char dir[] = "/tmp/kigen-test-out-XXXXXX";
    test_make_temp_dir(dir);
    char path[1024], target[1024];
    static const char *const stale[] = {".audit.xlsx.tmp", ".notices.csv.tmp",
                                        ".forms-K01-001.pdf.tmp", ".manifest.json.tmp"};
    for (size_t idx = 0; idx < sizeof(stale) / sizeof(stale[0]); idx++)
        write_text(dir, stale[idx], "stale");
    /* a killed export's scratch directory, libxlsxwriter's files in it (both namings) */
    path_in(dir, ".audit.xlsx.tmp.d", path, sizeof(path));
    CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
    write_text(dir, ".audit.xlsx.tmp.d/tmp.AbCdEfGhIj", "scratch");
    write_text(dir, ".audit.xlsx.tmp.d/~lxw_0123456789", "scratch");
    /* what stays: not kigen's names, not a regular file, a link, someone else's, a
     * scratch directory holding something that is not scratch */
    static const char *const kept[] = {"keep.txt", ".notes.tmp",  "tmp.AbCdEfGhIj",
                                       ".csv.tmp", "notices.csv", ".x.csv.tmp.bak"};
    for (size_t idx = 0; idx < sizeof(kept) / sizeof(kept[0]); idx++)
        write_text(dir, kept[idx], "kept");
    path_in(dir, ".dir.csv.tmp", path, sizeof(path));
    CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
    path_in(dir, ".fifo.csv.tmp", path, sizeof(path));
    CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
    path_in(dir, "keep.txt", target, sizeof(target));
    path_in(dir, ".link.pdf.tmp", path, sizeof(path));
    CU_ASSERT_FATAL(symlink(target, path) == 0);
    path_in(dir, ".full.xlsx.tmp.d", path, sizeof(path));
    CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
    write_text(dir, ".full.xlsx.tmp.d/mine.txt", "kept");
    write_text(dir, ".full.xlsx.tmp.d/tmp.AbCdEfGhIj", "scratch");
    int as_root = geteuid() == 0;
    if (as_root) {
        write_text(dir, ".other.json.tmp", "another user's");
        path_in(dir, ".other.json.tmp", path, sizeof(path));
        CU_ASSERT(chown(path, NOBODY_UID, NOBODY_UID) == 0);
    }
    out_file live; /* a live writer's temporary and scratch directory */
    kg_errbuf errbuf = {{0}, {0}};
    CU_ASSERT_EQUAL_FATAL(out_file_begin(&live, dir, "live.xlsx", &errbuf), KG_OK);
    CU_ASSERT_EQUAL(out_file_scratch_dir(&live, &errbuf), KG_OK);
    write_text(dir, ".live.xlsx.tmp.d/tmp.AbCdEfGhIj", "in use");

    CU_ASSERT_EQUAL(out_file_sweep(dir, &errbuf), KG_OK);
    for (size_t idx = 0; idx < sizeof(stale) / sizeof(stale[0]); idx++)
        CU_ASSERT_FALSE(exists(dir, stale[idx]));
    CU_ASSERT_FALSE(exists(dir, ".audit.xlsx.tmp.d"));
    for (size_t idx = 0; idx < sizeof(kept) / sizeof(kept[0]); idx++)
        CU_ASSERT(exists(dir, kept[idx]));
    CU_ASSERT(exists(dir, ".dir.csv.tmp"));
    CU_ASSERT(exists(dir, ".fifo.csv.tmp"));
    CU_ASSERT(exists(dir, ".link.pdf.tmp"));
    CU_ASSERT(exists(dir, "keep.txt"));
    CU_ASSERT(exists(dir, ".full.xlsx.tmp.d/mine.txt"));
    CU_ASSERT_FALSE(exists(dir, ".full.xlsx.tmp.d/tmp.AbCdEfGhIj"));
    if (as_root)
        CU_ASSERT(exists(dir, ".other.json.tmp"));
    CU_ASSERT(exists(dir, ".live.xlsx.tmp"));
    CU_ASSERT(exists(dir, ".live.xlsx.tmp.d/tmp.AbCdEfGhIj"));
    CU_ASSERT_EQUAL(out_file_end(&live, KG_OK, &errbuf), KG_OK);
    CU_ASSERT(exists(dir, "live.xlsx"));
    CU_ASSERT_FALSE(exists(dir, ".live.xlsx.tmp.d"));
    /* a missing folder has nothing to sweep; a file is not a folder */
    char missing[1024];
    snprintf(missing, sizeof(missing), "%s/missing", dir);
    CU_ASSERT_EQUAL(out_file_sweep(missing, &errbuf), KG_OK);
    snprintf(missing, sizeof(missing), "%s/keep.txt", dir);
    CU_ASSERT_EQUAL(out_file_sweep(missing, &errbuf), KG_ERR_IO_WRITE);
    char expected[1200];
    snprintf(expected, sizeof(expected), "unable to clean '%s': %s", missing, strerror(ENOTDIR));
    expect_message(&errbuf, expected);
    test_remove_dir(dir);
}

static void paths_split_into_folder_and_name(void)
{
    static const struct {
        const char *path, *dir, *name;
    } cases[] = {
        {"december.xlsx", ".", "december.xlsx"},
        {"/december.xlsx", "/", "december.xlsx"},
        {"out/2026/december.xlsx", "out/2026", "december.xlsx"},
        {"./x.pdf", ".", "x.pdf"},
    };
    char dir[OUT_FILE_PATH_CAP], name[OUT_FILE_PATH_CAP];
    kg_errbuf errbuf = {{0}, {0}};
    for (size_t idx = 0; idx < sizeof(cases) / sizeof(cases[0]); idx++) {
        CU_ASSERT_EQUAL(out_file_split_path(cases[idx].path, dir, name, &errbuf), KG_OK);
        CU_ASSERT_STRING_EQUAL(dir, cases[idx].dir);
        CU_ASSERT_STRING_EQUAL(name, cases[idx].name);
    }
    static const char *const refused[] = {"out/", "", "out/..", "."};
    for (size_t idx = 0; idx < sizeof(refused) / sizeof(refused[0]); idx++) {
        CU_ASSERT_EQUAL(out_file_split_path(refused[idx], dir, name, &errbuf), KG_ERR_USAGE);
        char expected[256];
        snprintf(expected, sizeof(expected), "unable to write '%s': not a file name", refused[idx]);
        expect_message(&errbuf, expected);
    }
}

int tests_register_out_file(void)
{
    static const test_case cases[] = {
        {"files_are_private_whatever_the_umask", files_are_private_whatever_the_umask},
        {"a_full_device_names_the_file_and_the_os_error",
         a_full_device_names_the_file_and_the_os_error},
        {"a_pdf_on_a_full_device_names_the_file_and_the_os_error",
         a_pdf_on_a_full_device_names_the_file_and_the_os_error},
        {"an_unwritable_directory_names_the_file_and_the_os_error",
         an_unwritable_directory_names_the_file_and_the_os_error},
        {"a_failed_writer_leaves_the_old_file_and_no_temporary",
         a_failed_writer_leaves_the_old_file_and_no_temporary},
        {"begin_replaces_a_stale_temporary_and_refuses_a_live_one",
         begin_replaces_a_stale_temporary_and_refuses_a_live_one},
        {"a_sweep_removes_stale_temporaries_and_nothing_else",
         a_sweep_removes_stale_temporaries_and_nothing_else},
        {"paths_split_into_folder_and_name", paths_split_into_folder_and_name},
        {NULL, NULL},
    };
    return tests_add_suite("out_file", cases);
}
