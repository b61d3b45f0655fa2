/*
 * embedded.h - where the embedded cluster of the developer's checkout listens, found at
 * run time (nothing is compiled in).
 *
 * The checkout is the one the binary runs from (common/checkout.h). Its cluster lives in
 * var/ (socket directory var/run) or, when var/ cannot hold it, in the directory that the
 * pointer var/db-location names (socket directory <dir>/run). The pointer and the path to
 * the cluster are checked as scripts/db.sh checks them before they are trusted: every
 * directory on the way owned by root, postgres or the user and writable by no one else
 * (sticky ones excepted), no symbolic links, the pointer a regular file of the user's, the
 * directory 0700 and this checkout's. An installed binary has no checkout: no cluster.
 */
#ifndef KIGEN_EMBEDDED_H
#define KIGEN_EMBEDDED_H

#include <stdbool.h>
#include <stddef.h>

/* The embedded cluster's socket directory into out (cap bytes); false (out "") when the
 * binary has no checkout or its var/ fails the checks. The directory need not exist yet
 * (a cluster never started): connecting then fails, with the hint to start it. */
bool embedded_socket_dir(char *out, size_t cap);

#endif
