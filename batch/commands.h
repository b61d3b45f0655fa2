/*
 * commands.h - the subcommand interface: what main hands to each command and gets back.
 *
 * One file per subcommand (cmd_<name>.c) implements one function of type cmd_fn. A
 * command never exits and never prints its own fatal error: it returns a kg_err with
 * context in the errbuf, and main reports it once and maps it to the exit status.
 * Each command parses its own options with getopt_long (common/options.h), answers
 * -h/--help with its help text on stdout, and takes --db anywhere on its command line.
 */
#ifndef KIGEN_COMMANDS_H
#define KIGEN_COMMANDS_H

#include <stdio.h>

#include "common/error.h"
#include "common/log.h"

typedef struct cmd_context {
    const log_sink *log;  /* owned by main */
    const char *conninfo; /* --db given before the command, or NULL (the command's own
                           * --db, after its name, overrides it) */
    FILE *in;             /* data in (stdin); not owned */
    FILE *out;            /* data out (stdout); not owned */
} cmd_context;

typedef struct cmd_outcome {
    long exceptions; /* rows that finished as exceptions (exit status 1 when > 0) */
    kg_errbuf error; /* context of a failure */
} cmd_outcome;

/* argv[0] is the command name; argv[argc] is NULL. */
typedef kg_err (*cmd_fn)(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);

kg_err cmd_db(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_load(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_run(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_sample(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_expiry(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_export(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_wareki(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_barcode(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_template(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_forms(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_notices(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_purge(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_verify(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_queue(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_worker(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_version(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);
kg_err cmd_municipality(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome);

#endif
