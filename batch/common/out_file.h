/*
 * out_file.h - the one way kigen creates a file: private (0600) and complete, or absent.
 *
 * A file is written under a hidden temporary name beside its final name, fsynced, renamed
 * over the final name, and its directory fsynced; a failure removes the temporary. What
 * a killed writer left is removed by the next writer in that directory (out_file_sweep).
 * Not a general file layer: no reading, no appending, no file outside these rules.
 */
#ifndef KIGEN_OUT_FILE_H
#define KIGEN_OUT_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define OUT_FILE_PATH_CAP 4096
#define OUT_FILE_BUFFER (64 * 1024)

/* One file being written. The caller owns it (about 76 KiB: a thread's stack will do);
 * its fields are read-only outside out_file.c. */
typedef struct out_file {
    char path[OUT_FILE_PATH_CAP];         /* dir/NAME: the final name, the one messages give */
    char temp_path[OUT_FILE_PATH_CAP];    /* dir/.NAME.tmp: the bytes until out_file_end */
    char scratch_path[OUT_FILE_PATH_CAP]; /* dir/.NAME.tmp.d (out_file_scratch_dir); "" */
    size_t dir_len;                       /* path[0..dir_len) is the directory */
    int fd;                               /* the temporary, locked (flock) while open; -1: ended */
    int scratch_fd;                       /* the scratch directory, locked; -1: none */
    int write_errno;                      /* the first failed write's errno; 0: none */
    dev_t temp_dev; /* the temporary out_file_begin created: what temp_path must name */
    ino_t temp_ino;
    long long bytes; /* bytes accepted by out_file_write */
    size_t used;     /* bytes waiting in buffer */
    unsigned char buffer[OUT_FILE_BUFFER];
} out_file;

/* Creates the directory path and its missing parents, each mode 0700; existing ones are
 * left as they are. KG_ERR_IO_WRITE "unable to create '<dir>': <OS error>" for the
 * first one that cannot be made (or is not a directory). */
kg_err out_file_make_dir(const char *path, kg_errbuf *errbuf);

/* Splits a file path into its directory ("." when it has none, "/" for a file at the
 * root) and its name, each into a buffer of OUT_FILE_PATH_CAP bytes. KG_ERR_USAGE
 * "unable to write '<path>': not a file name" for a path ending in '/' or too long to
 * take a temporary name. */
kg_err out_file_split_path(const char *path, char *dir, char *name, kg_errbuf *errbuf);

/* Removes what killed writers left in dir, and nothing else: a temporary (.NAME.tmp,
 * NAME ending in .csv, .pdf, .xlsx or .json) that is a regular file, and a scratch
 * directory (.NAME.tmp.d) that is a directory, each owned by this process's user, never
 * a symbolic link (nothing is followed) and not locked by a live writer; in a scratch
 * directory, the scratch files of libxlsxwriter (tmp. or ~lxw_ and 10 letters or digits:
 * regular, ours) and then the directory if that empties it. A missing dir has nothing to
 * remove (KG_OK). KG_ERR_IO_WRITE "unable to clean '<dir>': <OS error>" when dir cannot
 * be listed, "unable to remove '<dir>/<entry>': <OS error>" when a stale file cannot be
 * removed. Call it when a writer starts in a directory, before its first out_file_begin:
 * it is safe beside live writers (theirs are locked), but it reads the whole directory. */
kg_err out_file_sweep(const char *dir, kg_errbuf *errbuf);

/* Starts dir/name: creates dir/.name.tmp with O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600
 * whatever the umask, and locks it (flock) so that no sweep removes it. A stale
 * temporary of the same name (regular, ours, unlocked) is removed first; a live one (or
 * one that is not ours) is an error. dir must exist (out_file_make_dir). On failure
 * nothing is created and file->fd is -1: KG_ERR_IO_WRITE "unable to write '<dir>/<name>':
 * <OS error>" (Permission denied, No space left on device, File exists: with a HINT
 * naming the temporary), "... path too long". A library that writes by path (libxlsxwriter)
 * may write file->temp_path itself: opening it for writing keeps the mode and the lock. */
kg_err out_file_begin(out_file *file, const char *dir, const char *name, kg_errbuf *errbuf);

/* A private directory for the scratch files of a library that writes file->temp_path
 * (libxlsxwriter's tmpdir): dir/.NAME.tmp.d, created 0700 whatever the umask and locked
 * like the temporary, its path in file->scratch_path. A stale one of the same name is
 * removed first (as out_file_sweep would). out_file_end removes it, with any scratch
 * file left in it. KG_ERR_IO_WRITE "unable to write '<dir>/<name>': <OS error>" (the
 * directory could not be made; with a HINT naming it when it exists). */
kg_err out_file_scratch_dir(out_file *file, kg_errbuf *errbuf);

/* Buffers len bytes (64 KiB at a time go to the disk). After a failed write every later
 * one fails too: KG_ERR_IO_WRITE "unable to write '<dir>/<name>': <OS error>" (the first
 * failure's), also kept in file->write_errno for callers without an errbuf (errbuf may be
 * NULL). */
kg_err out_file_write(out_file *file, const void *data, size_t len, kg_errbuf *errbuf);

/* KG_OK while no write has failed; else KG_ERR_IO_WRITE with the first failure's message
 * (as out_file_write). For callers that learn of a failure indirectly (a Cairo stream). */
kg_err out_file_write_error(const out_file *file, kg_errbuf *errbuf);

/* Ends the file. When err (the caller's result) is KG_OK: flushes the buffer, fsyncs the
 * temporary, checks that its name still holds the file this out_file created, and
 * (KIGEN_CRASH_AT=<name> kills the process just before) renames it over dir/name, then
 * fsyncs dir. Otherwise, or when any of those steps fails, the temporary is removed and
 * dir/name is left as it was. Returns err when it is not KG_OK (errbuf untouched), else
 * KG_ERR_IO_WRITE "unable to write '<dir>/<name>': <OS error>" (write, fsync, close),
 * "unable to rename '<temp>' to '<name>': <OS error>", "unable to sync directory '<dir>':
 * <OS error>" (the file is then in place but its rename may not survive a power loss).
 * The scratch directory, if any, is removed in every case. Accepts an ended file (returns
 * err). */
kg_err out_file_end(out_file *file, kg_err err, kg_errbuf *errbuf);

#endif
