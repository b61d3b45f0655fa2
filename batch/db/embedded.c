/*
 * embedded.c - the embedded cluster's socket directory (see embedded.h).
 *
 * The same checks as scripts/db.sh (check_component, check_path, read_pointer), so that
 * kigen never trusts a socket that another local user could have put in its way.
 */
#include "embedded.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/checkout.h"

#define PATH_CAP 4096

/* Owned by root, postgres or the invoking user. */
static bool trusted_owner(uid_t owner)
{
    if (owner == 0 || owner == getuid())
        return true;
    const struct passwd *postgres = getpwnam("postgres");
    return postgres != NULL && owner == postgres->pw_uid;
}

/* A real directory (no link) of a trusted owner that no one else can write in, unless
 * sticky (nobody can then rename or remove what a trusted user put there). */
static bool safe_component(const char *path)
{
    struct stat info;
    if (lstat(path, &info) != 0 || !S_ISDIR(info.st_mode) || !trusted_owner(info.st_uid))
        return false;
    return (info.st_mode & 022) == 0 || (info.st_mode & 01000) != 0; /* S_ISVTX (XSI) */
}

/* Every component of an absolute path without . or .. components, / first. */
static bool safe_path(const char *path)
{
    char prefix[PATH_CAP];
    size_t len = strlen(path);
    if (path[0] != '/' || len >= sizeof(prefix) || strstr(path, "/./") != NULL ||
        strstr(path, "/../") != NULL || (len >= 2 && strcmp(path + len - 2, "/.") == 0) ||
        (len >= 3 && strcmp(path + len - 3, "/..") == 0))
        return false;
    if (!safe_component("/"))
        return false;
    for (size_t pos = 1; pos <= len; pos++) {
        if (path[pos] != '/' && path[pos] != '\0')
            continue;
        if (path[pos - 1] == '/')
            continue; /* an empty component (//) */
        memcpy(prefix, path, pos);
        prefix[pos] = '\0';
        if (!safe_component(prefix))
            return false;
    }
    return true;
}

/* The first line of a small file into out, without its newline; false if unreadable. */
static bool first_line(const char *path, char *out, size_t cap)
{
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return false;
    bool got = fgets(out, (int)cap, file) != NULL;
    fclose(file);
    if (got)
        out[strcspn(out, "\n")] = '\0';
    return got;
}

/* The fallback directory that var/db-location names, when the pointer and the directory
 * pass db.sh's checks and the directory is this checkout's; false otherwise. */
static bool pointer_target(const char *root, const char *var, char *dir, size_t cap)
{
    char pointer[PATH_CAP], line[PATH_CAP], checkout[PATH_CAP], owner_file[PATH_CAP + 16];
    struct stat info;
    if ((size_t)snprintf(pointer, sizeof(pointer), "%s/db-location", var) >= sizeof(pointer))
        return false;
    if (lstat(pointer, &info) != 0 || !S_ISREG(info.st_mode) || info.st_uid != getuid() ||
        (info.st_mode & 022) != 0 || !first_line(pointer, line, sizeof(line)))
        return false;
    const char *base = strrchr(line, '/');
    if (line[0] != '/' || base == NULL || base == line || strncmp(base, "/kigen-", 7) != 0)
        return false;
    if (!safe_path(line) || lstat(line, &info) != 0 || (info.st_mode & 07777) != 0700)
        return false;
    snprintf(owner_file, sizeof(owner_file), "%s/checkout", line);
    if (!first_line(owner_file, checkout, sizeof(checkout)) || strcmp(checkout, root) != 0)
        return false;
    if (strlen(line) >= cap)
        return false;
    memcpy(dir, line, strlen(line) + 1);
    return true;
}

bool embedded_socket_dir(char *out, size_t cap)
{
    char root[PATH_CAP], var[PATH_CAP + 8], pgdata[PATH_CAP + 16], dir[PATH_CAP + 8];
    struct stat info;
    out[0] = '\0';
    if (!checkout_root(root, sizeof(root)) || !safe_path(root))
        return false;
    snprintf(var, sizeof(var), "%s/var", root);
    if (lstat(var, &info) == 0 && !safe_component(var))
        return false;
    /* db.sh keeps the cluster in var/ whenever var/ can hold it; the pointer only when not */
    snprintf(pgdata, sizeof(pgdata), "%s/pgdata", var);
    bool in_var = lstat(pgdata, &info) == 0 && S_ISDIR(info.st_mode);
    if (in_var || !pointer_target(root, var, dir, sizeof(dir)))
        snprintf(dir, sizeof(dir), "%s", var);
    return (size_t)snprintf(out, cap, "%s/run", dir) < cap;
}
