/*
 * options.h - what the commands' option parsing shares on top of getopt_long(3): the
 * options every command takes (--db, -h/--help), the reset of getopt's state, and one
 * wording for a command line that cannot be parsed.
 *
 * getopt_long parses (--name value or --name=value, an unambiguous prefix of a name,
 * `--` ending the options); each command keeps its own table of long options, its
 * synopsis and its help text. The parse returns operands in order as they come
 * (getopt's "-" mode: POSIXLY_CORRECT does not change kigen's command line), so options
 * and operands mix in any order: `kigen load DIR --encoding cp932 --db service=city`.
 */
#ifndef KIGEN_OPTIONS_H
#define KIGEN_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "error.h"

/* options_next's code for an operand (optarg holds it): getopt_long's "-" mode. */
#define OPTIONS_OPERAND 1
/* The codes of --db and --config; a command's own long-only options take codes from
 * OPTIONS_FIRST on. */
#define OPTIONS_DB 0x100
#define OPTIONS_CONFIG 0x101
#define OPTIONS_FIRST 0x102

/* The entries that end a command's table of long options: --db for a command that
 * connects to the database, -h/--help for every command, and the table's end. */
#define OPTIONS_DB_ENTRY                                                                           \
    {                                                                                              \
        "db", required_argument, NULL, OPTIONS_DB                                                  \
    }
/* --config FILE, for a command that takes options_common's config_path (D107) */
#define OPTIONS_CONFIG_ENTRY                                                                       \
    {                                                                                              \
        "config", required_argument, NULL, OPTIONS_CONFIG                                          \
    }
#define OPTIONS_HELP_ENTRY                                                                         \
    {                                                                                              \
        "help", no_argument, NULL, 'h'                                                             \
    }
#define OPTIONS_END                                                                                \
    {                                                                                              \
        NULL, 0, NULL, 0                                                                           \
    }

/* What the commands accept besides their own options. */
typedef struct options_common {
    const char *conninfo;    /* --db (the last one given), or what main's --db gave */
    bool help;               /* -h or --help: print the help text on stdout, do nothing else */
    const char *config_path; /* --config FILE (the last one given), or NULL: the command
                              * reads it, or the default file, with run_config_read_command */
} options_common;

/* Starts a parse of argv[1..argc) (argv[0] is the command's name): getopt's state reset,
 * its own messages off (errors come back as kg_err values). */
void options_start(void);

/* The next option's code (a long option's val, 'h', OPTIONS_OPERAND with optarg), '?' or
 * ':' for an option getopt_long refuses (handed to options_fail), or -1 at the end (then
 * argv[optind..argc) are operands that followed `--`). */
int options_next(int argc, char **argv, const struct option *longopts);

/* Takes --db, --config and -h/--help into common; false when opt is none of them. */
bool options_take_common(options_common *common, int opt);

/* The usage error for the option getopt_long just refused (opt '?' or ':'), for kigen
 * `command`: `unable to parse option '--bogus': not an option of kigen run` (or "it
 * needs a value", "it takes no value", "ambiguous: --date or --db"), then the synopsis on
 * the next lines. KG_ERR_USAGE. */
kg_err options_fail(int argc, char **argv, int opt, const struct option *longopts,
                    const char *command, const char *synopsis, kg_errbuf *errbuf);

/* The usage error for an option that getopt_long took but the command refuses here
 * (an option of another action of the command). KG_ERR_USAGE. */
kg_err options_refuse(const char *name, const char *command, const char *synopsis,
                      kg_errbuf *errbuf);

/* The usage error for an operand the command does not take. KG_ERR_USAGE. */
kg_err options_extra_operand(const char *operand, const char *command, const char *synopsis,
                             kg_errbuf *errbuf);

/* Prints a help text on out (stdout): the reply to -h/--help. KG_ERR_IO_WRITE when it
 * cannot be written. */
kg_err options_print_help(FILE *out, const char *help, kg_errbuf *errbuf);

#endif
