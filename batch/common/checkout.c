/*
 * checkout.c - see checkout.h.
 */
#include "checkout.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Cuts path at its last '/' (the component after it is dropped); false at the root. */
static bool cut_last(char *path)
{
    char *slash = strrchr(path, '/');
    if (slash == NULL || slash == path)
        return false;
    *slash = '\0';
    return true;
}

bool checkout_root(char *out, size_t cap)
{
    char exe[4096];
    out[0] = '\0';
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len <= 0 || (size_t)len >= sizeof(exe) - 1)
        return false;
    exe[len] = '\0';
    /* <checkout>/build/<kind>/<binary> */
    if (exe[0] != '/' || !cut_last(exe) || !cut_last(exe))
        return false;
    const char *build = strrchr(exe, '/');
    if (build == NULL || strcmp(build, "/build") != 0 || !cut_last(exe))
        return false;
    char script[4096 + 16];
    struct stat info;
    size_t root_len = strlen(exe);
    if (root_len + sizeof("/scripts/db.sh") > sizeof(script) || root_len >= cap)
        return false;
    memcpy(script, exe, root_len);
    memcpy(script + root_len, "/scripts/db.sh", sizeof("/scripts/db.sh"));
    if (lstat(script, &info) != 0 || !S_ISREG(info.st_mode))
        return false;
    memcpy(out, exe, root_len + 1);
    return true;
}
