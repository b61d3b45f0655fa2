/*
 * out_file.c - private, atomic output files (see out_file.h).
 *
 * A temporary is locked with flock(2) from its creation to its rename: a BSD lock
 * belongs to the open file description, so another descriptor of the same process
 * (libxlsxwriter reopening the temporary by name) does not release it, as it would a
 * POSIX record lock. A sweep tells a killed writer's temporary (unlocked) from a live one.
 */
#include "out_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crash.h"
#include "i18n.h"

#define TEMP_SUFFIX ".tmp"
#define SCRATCH_SUFFIX ".tmp.d"
#define SCRATCH_RANDOM 10 /* libxlsxwriter's tmpfileplus(): a prefix and 10 random characters */
#define BEGIN_ATTEMPTS 3

/* The prefixes of libxlsxwriter's scratch files: Debian's build passes none to
 * tmpfileplus() ("tmp.", the same names as mktemp(1)'s: never looked for outside a
 * scratch directory), upstream's "~lxw_". */
static const char *const scratch_prefixes[] = {"tmp.", "~lxw_"};

/* What kigen writes: a temporary .NAME.tmp is swept only when NAME ends in one of these
 * (a user's own .something.tmp beside an export stays). */
static const char *const swept_extensions[] = {".csv", ".pdf", ".xlsx", ".json"};

static bool ends_with(const char *text, size_t len, const char *suffix)
{
    size_t suffix_len = strlen(suffix);
    return len >= suffix_len && memcmp(text + len - suffix_len, suffix, suffix_len) == 0;
}

static bool is_ascii_alnum(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

/* .NAME<suffix> with NAME ending in a swept extension. */
static bool is_temporary_name(const char *entry, const char *suffix)
{
    size_t len = strlen(entry), suffix_len = strlen(suffix);
    if (entry[0] != '.' || len <= 1 + suffix_len || !ends_with(entry, len, suffix))
        return false;
    size_t name_len = len - 1 - suffix_len;
    for (size_t idx = 0; idx < sizeof(swept_extensions) / sizeof(swept_extensions[0]); idx++)
        if (name_len > strlen(swept_extensions[idx]) &&
            ends_with(entry + 1, name_len, swept_extensions[idx]))
            return true;
    return false;
}

/* libxlsxwriter's scratch file: a prefix, then exactly 10 letters or digits. */
static bool is_scratch_file_name(const char *entry)
{
    size_t len = strlen(entry);
    for (size_t idx = 0; idx < sizeof(scratch_prefixes) / sizeof(scratch_prefixes[0]); idx++) {
        size_t prefix_len = strlen(scratch_prefixes[idx]);
        if (len != prefix_len + SCRATCH_RANDOM ||
            memcmp(entry, scratch_prefixes[idx], prefix_len) != 0)
            continue;
        for (size_t pos = prefix_len; pos < len; pos++)
            if (!is_ascii_alnum(entry[pos]))
                return false;
        return true;
    }
    return false;
}

/* Whether path (not followed) is the file open as fd. */
static bool is_same_file(int fd, int dir_fd, const char *path)
{
    struct stat opened, named;
    return fstat(fd, &opened) == 0 && fstatat(dir_fd, path, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
           opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

/* Whether path (not followed) is the temporary file created. */
static bool names_temporary(const out_file *file)
{
    struct stat named;
    return lstat(file->temp_path, &named) == 0 && named.st_dev == file->temp_dev &&
           named.st_ino == file->temp_ino;
}

/* Removes entry (relative to dir_fd, or a path with AT_FDCWD) when it is a regular file of
 * this user that no live writer locks; *removed says whether it did. shown names it in
 * messages. Anything that cannot be opened (a symbolic link: O_NOFOLLOW; another user's
 * file) is not stale. */
static kg_err remove_if_stale(int dir_fd, const char *entry, const char *shown, bool *removed,
                              kg_errbuf *errbuf)
{
    *removed = false;
    int fd = openat(dir_fd, entry, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return KG_OK;
    struct stat info;
    bool stale = fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_uid == geteuid() &&
                 flock(fd, LOCK_EX | LOCK_NB) == 0 && is_same_file(fd, dir_fd, entry);
    kg_err err = KG_OK;
    if (stale && unlinkat(dir_fd, entry, 0) != 0 && errno != ENOENT)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to remove '%s': %s"), shown,
                      strerror(errno));
    *removed = stale && err == KG_OK;
    close(fd); /* releases the lock */
    return err;
}

/* Removes the scratch directory entry (relative to dir_fd, or a path with AT_FDCWD) when
 * it is a directory of this user that no live writer locks: its scratch files first
 * (remove_if_stale), then itself when that empties it (anything else in it: it stays).
 * *removed says whether it is gone. */
static kg_err remove_dir_if_stale(int dir_fd, const char *entry, const char *shown, bool *removed,
                                  kg_errbuf *errbuf)
{
    *removed = false;
    int fd = openat(dir_fd, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return KG_OK;
    struct stat info;
    bool stale = fstat(fd, &info) == 0 && S_ISDIR(info.st_mode) && info.st_uid == geteuid() &&
                 flock(fd, LOCK_EX | LOCK_NB) == 0 && is_same_file(fd, dir_fd, entry);
    int list_fd = stale ? dup(fd) : -1;
    DIR *listing = list_fd >= 0 ? fdopendir(list_fd) : NULL;
    if (listing == NULL && list_fd >= 0)
        close(list_fd);
    kg_err err = KG_OK;
    while (listing != NULL && err == KG_OK) {
        struct dirent *scratch = readdir(listing);
        if (scratch == NULL)
            break;
        if (!is_scratch_file_name(scratch->d_name))
            continue;
        char scratch_shown[OUT_FILE_PATH_CAP];
        snprintf(scratch_shown, sizeof(scratch_shown), "%s/%s", shown, scratch->d_name);
        bool scratch_removed = false;
        err = remove_if_stale(fd, scratch->d_name, scratch_shown, &scratch_removed, errbuf);
    }
    if (listing != NULL)
        closedir(listing);
    if (err == KG_OK && listing != NULL && unlinkat(dir_fd, entry, AT_REMOVEDIR) == 0)
        *removed = true;
    close(fd); /* releases the lock */
    return err;
}

kg_err out_file_make_dir(const char *path, kg_errbuf *errbuf)
{
    char partial[OUT_FILE_PATH_CAP];
    int len = snprintf(partial, sizeof(partial), "%s", path);
    if (len <= 0 || (size_t)len >= sizeof(partial))
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to create '%s': path too long"), path);
    for (char *slash = partial + 1; *slash != '\0'; slash++) {
        if (*slash != '/')
            continue;
        *slash = '\0';
        if (mkdir(partial, 0700) != 0 && errno != EEXIST)
            return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to create '%s': %s"), partial,
                           strerror(errno));
        *slash = '/';
    }
    if (mkdir(partial, 0700) != 0 && errno != EEXIST)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to create '%s': %s"), partial,
                       strerror(errno));
    struct stat info;
    if (stat(partial, &info) != 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to create '%s': %s"), partial,
                       strerror(errno));
    if (!S_ISDIR(info.st_mode))
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to create '%s': %s"), partial,
                       strerror(ENOTDIR));
    return KG_OK;
}

kg_err out_file_split_path(const char *path, char *dir, char *name, kg_errbuf *errbuf)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to write '%s': not a file name"), path);
    /* the temporary's name adds 5 bytes to the path */
    if (strlen(path) + 8 >= OUT_FILE_PATH_CAP)
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to write '%s': path too long"), path);
    size_t dir_len = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
    memcpy(dir, slash == NULL ? "." : path, dir_len);
    dir[dir_len] = '\0';
    snprintf(name, OUT_FILE_PATH_CAP, "%s", base);
    return KG_OK;
}

kg_err out_file_sweep(const char *dir, kg_errbuf *errbuf)
{
    int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0 && errno == ENOENT)
        return KG_OK;
    DIR *listing = dir_fd >= 0 ? fdopendir(dir_fd) : NULL;
    if (listing == NULL) {
        kg_err err =
            kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to clean '%s': %s"), dir, strerror(errno));
        if (dir_fd >= 0)
            close(dir_fd);
        return err;
    }
    kg_err err = KG_OK;
    while (err == KG_OK) {
        errno = 0;
        struct dirent *entry = readdir(listing);
        if (entry == NULL) {
            if (errno != 0)
                err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to clean '%s': %s"), dir,
                              strerror(errno));
            break;
        }
        bool is_file = is_temporary_name(entry->d_name, TEMP_SUFFIX);
        if (!is_file && !is_temporary_name(entry->d_name, SCRATCH_SUFFIX))
            continue;
        char shown[OUT_FILE_PATH_CAP];
        snprintf(shown, sizeof(shown), "%s/%s", dir, entry->d_name);
        bool removed = false;
        err = is_file ? remove_if_stale(dirfd(listing), entry->d_name, shown, &removed, errbuf)
                      : remove_dir_if_stale(dirfd(listing), entry->d_name, shown, &removed, errbuf);
    }
    closedir(listing);
    return err;
}

kg_err out_file_begin(out_file *file, const char *dir, const char *name, kg_errbuf *errbuf)
{
    file->fd = -1;
    file->scratch_fd = -1;
    file->scratch_path[0] = '\0';
    file->write_errno = 0;
    file->bytes = 0;
    file->used = 0;
    file->dir_len = strlen(dir);
    int len = snprintf(file->path, sizeof(file->path), "%s/%s", dir, name);
    int temp_len =
        snprintf(file->temp_path, sizeof(file->temp_path), "%s/.%s" TEMP_SUFFIX, dir, name);
    if (name[0] == '\0' || strchr(name, '/') != NULL)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write '%s/%s': not a file name"), dir,
                       name);
    if (len < 0 || temp_len < 0 || (size_t)temp_len >= sizeof(file->temp_path))
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write '%s/%s': path too long"), dir,
                       name);
    for (int attempt = 1; attempt <= BEGIN_ATTEMPTS; attempt++) {
        int fd = open(file->temp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST && attempt < BEGIN_ATTEMPTS) {
            bool removed = false; /* a killed writer's temporary of the same name */
            kg_err err =
                remove_if_stale(AT_FDCWD, file->temp_path, file->temp_path, &removed, errbuf);
            if (err != KG_OK)
                return err;
            if (removed)
                continue;
            errno = EEXIST;
        }
        if (fd < 0) {
            int open_errno = errno;
            kg_err err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write '%s': %s"), file->path,
                                 strerror(open_errno));
            if (open_errno == EEXIST)
                kg_hint(errbuf,
                        _("'%s' is another kigen's that is writing it, or not yours: remove it "
                          "if no kigen is writing there"),
                        file->temp_path);
            return err;
        }
        /* the mode open() gives is masked by the umask: make it 0600 whatever that is */
        if (fchmod(fd, 0600) != 0 || flock(fd, LOCK_EX) != 0) {
            kg_err err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write '%s': %s"), file->path,
                                 strerror(errno));
            unlink(file->temp_path);
            close(fd);
            return err;
        }
        /* a sweep may have removed it between open() and flock(): try again */
        struct stat info;
        if (fstat(fd, &info) == 0 && is_same_file(fd, AT_FDCWD, file->temp_path)) {
            file->fd = fd;
            file->temp_dev = info.st_dev;
            file->temp_ino = info.st_ino;
            return KG_OK;
        }
        close(fd);
    }
    return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write '%s': '%s' was removed %d times"),
                   file->path, file->temp_path, BEGIN_ATTEMPTS);
}

kg_err out_file_scratch_dir(out_file *file, kg_errbuf *errbuf)
{
    if (file->fd < 0 || file->scratch_fd >= 0)
        return kg_fail(errbuf, KG_ERR_INTERNAL,
                       _("unable to make a scratch directory for '%s': %s"), file->path,
                       file->fd < 0 ? "not begun" : "made already");
    int len = snprintf(file->scratch_path, sizeof(file->scratch_path), "%s.d", file->temp_path);
    if (len < 0 || (size_t)len >= sizeof(file->scratch_path)) {
        file->scratch_path[0] = '\0';
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write '%s': path too long"),
                       file->path);
    }
    int failed_errno = 0;
    for (int attempt = 1; attempt <= BEGIN_ATTEMPTS; attempt++) {
        if (mkdir(file->scratch_path, 0700) != 0) {
            failed_errno = errno;
            bool removed = false; /* a killed writer's scratch directory of the same name */
            kg_err err = KG_OK;
            if (failed_errno == EEXIST)
                err = remove_dir_if_stale(AT_FDCWD, file->scratch_path, file->scratch_path,
                                          &removed, errbuf);
            if (err != KG_OK) {
                file->scratch_path[0] = '\0';
                return err;
            }
            if (removed)
                continue;
            break;
        }
        int fd = open(file->scratch_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        /* 0700 whatever the umask; locked, so that no sweep empties it under the library */
        if (fd < 0 || fchmod(fd, 0700) != 0 || flock(fd, LOCK_EX) != 0) {
            failed_errno = errno;
            if (fd >= 0)
                close(fd);
            rmdir(file->scratch_path);
            break;
        }
        if (is_same_file(fd, AT_FDCWD, file->scratch_path)) {
            file->scratch_fd = fd;
            return KG_OK;
        }
        close(fd); /* a sweep took it between mkdir() and flock(): again */
        failed_errno = ENOENT;
    }
    kg_err err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write '%s': %s"), file->path,
                         strerror(failed_errno));
    kg_hint(errbuf, _("its scratch directory '%s' could not be made%s"), file->scratch_path,
            failed_errno == EEXIST ? _(": another kigen's that is writing it, or not yours") : "");
    file->scratch_path[0] = '\0';
    return err;
}

/* Removes the scratch directory and what the library left in it (its files are its own:
 * they are removed whatever their state). */
static void remove_scratch_dir(out_file *file)
{
    if (file->scratch_fd < 0)
        return;
    int list_fd = dup(file->scratch_fd);
    DIR *listing = list_fd >= 0 ? fdopendir(list_fd) : NULL;
    if (listing == NULL && list_fd >= 0)
        close(list_fd);
    for (struct dirent *entry = listing != NULL ? readdir(listing) : NULL; entry != NULL;
         entry = readdir(listing))
        if (is_scratch_file_name(entry->d_name))
            unlinkat(file->scratch_fd, entry->d_name, 0);
    if (listing != NULL)
        closedir(listing);
    if (is_same_file(file->scratch_fd, AT_FDCWD, file->scratch_path))
        rmdir(file->scratch_path);
    close(file->scratch_fd);
    file->scratch_fd = -1;
    file->scratch_path[0] = '\0';
}

static void write_all(out_file *file, const unsigned char *data, size_t len)
{
    while (len > 0 && file->write_errno == 0) {
        ssize_t written = write(file->fd, data, len);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            file->write_errno = written < 0 ? errno : ENOSPC;
            break;
        }
        data += written;
        len -= (size_t)written;
    }
}

static void flush_buffer(out_file *file)
{
    write_all(file, file->buffer, file->used);
    file->used = 0;
}

kg_err out_file_write_error(const out_file *file, kg_errbuf *errbuf)
{
    if (file->write_errno == 0)
        return KG_OK;
    return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write '%s': %s"), file->path,
                   strerror(file->write_errno));
}

kg_err out_file_write(out_file *file, const void *data, size_t len, kg_errbuf *errbuf)
{
    if (file->fd < 0 && file->write_errno == 0)
        file->write_errno = EBADF; /* never begun, or already ended: a bug of the caller */
    if (file->write_errno == 0 && len > 0) {
        if (file->used + len > OUT_FILE_BUFFER)
            flush_buffer(file);
        if (len >= OUT_FILE_BUFFER) {
            write_all(file, data, len);
        } else if (file->write_errno == 0) {
            memcpy(file->buffer + file->used, data, len);
            file->used += len;
        }
    }
    if (file->write_errno != 0)
        return out_file_write_error(file, errbuf);
    file->bytes += (long long)len;
    return KG_OK;
}

static kg_err sync_dir(const out_file *file, kg_errbuf *errbuf)
{
    char dir[OUT_FILE_PATH_CAP];
    snprintf(dir, sizeof(dir), "%.*s", (int)file->dir_len, file->path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        kg_err err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to sync directory '%s': %s"), dir,
                             strerror(errno));
        if (fd >= 0)
            close(fd);
        return err;
    }
    close(fd);
    return KG_OK;
}

kg_err out_file_end(out_file *file, kg_err err, kg_errbuf *errbuf)
{
    if (file->fd < 0)
        return err;
    if (err == KG_OK) {
        flush_buffer(file);
        err = out_file_write_error(file, errbuf);
    }
    if (err == KG_OK && fsync(file->fd) != 0)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write '%s': %s"), file->path,
                      strerror(errno));
    bool named = names_temporary(file);
    if (err == KG_OK && !named)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE,
                      _("unable to write '%s': its temporary file '%s' was removed or replaced"),
                      file->path, file->temp_path);
    if (err == KG_OK) {
        crash_point(file->path + file->dir_len + 1); /* complete under its temporary name */
        if (rename(file->temp_path, file->path) != 0)
            err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to rename '%s' to '%s': %s"),
                          file->temp_path, file->path + file->dir_len + 1, strerror(errno));
    }
    if (err != KG_OK && named)
        unlink(file->temp_path); /* still locked: no sweep is removing it meanwhile */
    remove_scratch_dir(file);
    /* after a successful fsync, close() has nothing left to report on a local file; the
     * lock is held until the name is final */
    close(file->fd);
    file->fd = -1;
    if (err == KG_OK)
        err = sync_dir(file, errbuf);
    return err;
}
