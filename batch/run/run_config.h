/*
 * run_config.h - the nightly run's configuration: defaults, a `key = value` file
 * (samples/kigen.conf documents every key), command-line overrides, and the JSON form
 * stored with the run and logged at its start.
 *
 * Where things are (docs/operations.md): the default templates are in kigen's data
 * directory and the default configuration file in its configuration directory. The
 * installed build has both compiled in by the Makefile (KIGEN_DATADIR, KIGEN_CONFIG_FILE:
 * $(DATADIR)/kigen and $(SYSCONFDIR)/kigen/kigen.conf; /usr/share/kigen and
 * /etc/kigen/kigen.conf in the Debian package); a build in the checkout finds its
 * checkout at run time (common/checkout.h) and reads no default file. A relative path in a
 * configuration file is taken from that file's directory.
 *
 * The database is named by the `db` key (a libpq connection string, never with a
 * password: db_check_conninfo refuses one) or by libpq's own mechanisms; a key that is not
 * listed here is an error, so a secret cannot slip in under another name.
 */
#ifndef KIGEN_RUN_CONFIG_H
#define KIGEN_RUN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/csv_out.h"
#include "../common/error.h"
#include "../common/i18n.h"
#include "select.h"

/* The default templates, under kigen's data directory (run_config_data_dir()). */
#define RUN_CONFIG_TEMPLATE "templates/notice.tmpl"
#define RUN_CONFIG_ENCLOSURE "templates/enclosure.tmpl"
#define RUN_CONFIG_INQUIRY "templates/inquiry.tmpl"

/* The default of retention_years (`kigen purge`: D73). */
#define RUN_CONFIG_RETENTION_YEARS 5

/* The default of max_days_ahead (`kigen run --date`: D78). */
#define RUN_CONFIG_MAX_DAYS_AHEAD 1

/* The default of form_overdue_days (`kigen forms status`, the workbook's Forms sheet). */
#define RUN_CONFIG_FORM_OVERDUE_DAYS 30

typedef struct run_config {
    select_config select;      /* lead_days, mover_months, W2 switch, 29 February reading */
    int max_pages;             /* pages per print file (the renderer's split) */
    int render_threads;        /* print files rendered at once; 0: one per core */
    char template_path[1024];  /* the notice template (templates/notice.tmpl) */
    char enclosure_path[1024]; /* the form enclosed with each notice; "" (none): no enclosure */
    char inquiry_path[1024];   /* the inquiry mailed for a proxy request */
    int form_overdue_days;     /* `kigen forms status`: days before an inquiry form is overdue;
                                * the counter's, not the run's: not in run_config_json (D58) */
    int retention_years;       /* `kigen purge`: years the ledger keeps personal data after
                                * a run date (D73); not the run's: not in run_config_json */
    /* How a command runs, not what the run decides: none is in run_config_json. */
    char db[1024];           /* `db`: libpq connection string; "" when the file has none */
    char municipality[8];    /* `municipality`: the code whose work the commands do (D128);
                              * "" when the file has none: the default, or --municipality */
    bool strict;             /* `strict`: a night with bad_data exits 1 (D76) */
    bool max_days_ahead_set; /* `max_days_ahead` given: else RUN_CONFIG_MAX_DAYS_AHEAD */
    int max_days_ahead;      /* see run_config_max_days_ahead */
    bool language_set;       /* `language` given: else the environment's (i18n.h) */
    kg_language language;    /* see run_config_language */
    /* How the CSV files a person opens are written (D115-D117): the run's are stored with
     * it in run_config_json, resolved (see run_config_csv_format). */
    bool csv_bom_set;          /* `csv_bom` given: else true when the language is Japanese */
    bool csv_bom;              /* see run_config_csv_format */
    csv_encoding csv_encoding; /* `csv_encoding`: utf8 (default) or cp932 */
} run_config;

#define RUN_CONFIG_PATH_MAX 1024

/* kigen's data directory: $(DATADIR)/kigen when installed (KIGEN_DATADIR, compiled in);
 * for a build in the checkout, the checkout, found at run time into buf (cap bytes), or
 * "." when the binary runs from none. Never ends with '/'. */
const char *run_config_data_dir(char *buf, size_t cap);

/* The configuration file read when a command is given no --config, compiled in
 * (KIGEN_CONFIG_FILE): $(SYSCONFDIR)/kigen/kigen.conf when installed; "" (none) for a
 * build in the checkout, so that its tests never read a server's configuration. */
const char *run_config_system_file(void);

/* The defaults: the templates under run_config_data_dir(), every other key as
 * samples/kigen.conf shows it. */
run_config run_config_default(void);

/* Sets one key from its text ("lead_days", "14"). KG_ERR_CONFIG for an unknown key or
 * a value out of range, with the key and the allowed values in errbuf. */
kg_err run_config_set(run_config *config, const char *key, const char *value, kg_errbuf *errbuf);

/* The days a run date may lie after today in Japan without --force (D78). */
int run_config_max_days_ahead(const run_config *config);

/* The language of messages, the workbook and the counter's screens: the configuration's
 * `language` when it has one, else the environment's (i18n_language_of_environment). */
kg_language run_config_language(const run_config *config);

/* The form of the CSV files a person opens: the encoding as configured; the BOM as
 * `csv_bom` says, else when run_config_language() is Japanese; never with cp932 (a BOM is
 * UTF-8's). */
csv_format run_config_csv_format(const run_config *config);

/* Reads a configuration file: `key = value` lines, `#` comments, blank lines. A relative
 * template path is taken from the file's directory (`template = notice.tmpl` in
 * /etc/kigen/kigen.conf is /etc/kigen/notice.tmpl). KG_ERR_CONFIG: "unable to open
 * 'path': <why>" when it cannot be read (a configuration named that cannot be used is
 * the operator's setup, exit 2), file:line otherwise. */
kg_err run_config_read_file(run_config *config, const char *path, kg_errbuf *errbuf);

/* A command's configuration when --config gave none (*path NULL; nothing when it is
 * set): run_config_system_file() when there is one and it exists, *path then naming it
 * (so that a `db` it holds is reported as coming from there); KG_OK with config
 * untouched otherwise. A file that exists but cannot be read or is invalid is
 * KG_ERR_CONFIG: the operator's settings are never skipped silently. */
kg_err run_config_read_default(run_config *config, const char **path, kg_errbuf *errbuf);

/* What every command does with its configuration, in one place (D107): reads *path
 * (--config FILE) or, when it is NULL, the default file (run_config_read_default, *path
 * then naming it when there is one), then speaks the configuration's language from now
 * on (i18n_use(run_config_language(config))), so that every later message, the help text
 * included, is in it. A failure keeps the language the file asked for before its bad
 * line, and its message is written in that language. */
kg_err run_config_read_command(run_config *config, const char **path, kg_errbuf *errbuf);

/* The SHA-256 of the templates' bytes ("" when not loaded), stored beside their paths. */
typedef struct run_config_hashes {
    const char *notice, *enclosure, *inquiry;
} run_config_hashes;

/* The configuration as one JSON object with every key, in a fixed order; the CSV form
 * resolved (run_config_csv_format) as "csv_bom" and "csv_encoding", read back by the
 * run's outputs (outputs.c) so that a night's files keep their bytes. */
void run_config_json(const run_config *config, const run_config_hashes *hashes, char *buf,
                     size_t cap);

#endif
