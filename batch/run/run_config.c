/*
 * run_config.c - defaults, file and overrides of the run configuration (run_config.h).
 *
 * The only file that sees the directories the Makefile compiles in (KIGEN_DATADIR,
 * KIGEN_CONFIG_FILE); its object is rebuilt when they change.
 */
#include "run_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/checkout.h"
#include "../common/i18n.h"
#include "../common/municipality_code.h"

#define LINE_MAX_LEN 2048

/* The Makefile always defines both ("" for a build in the checkout). */
#ifndef KIGEN_DATADIR
#define KIGEN_DATADIR ""
#endif
#ifndef KIGEN_CONFIG_FILE
#define KIGEN_CONFIG_FILE ""
#endif

const char *run_config_data_dir(char *buf, size_t cap)
{
    if (KIGEN_DATADIR[0] != '\0')
        return KIGEN_DATADIR;
    return checkout_root(buf, cap) ? buf : "."; /* a build in the checkout: found now */
}

const char *run_config_system_file(void)
{
    return KIGEN_CONFIG_FILE;
}

run_config run_config_default(void)
{
    run_config config = {.select = select_config_default(),
                         .max_pages = 1000,
                         .form_overdue_days = RUN_CONFIG_FORM_OVERDUE_DAYS,
                         .retention_years = RUN_CONFIG_RETENTION_YEARS};
    config.select.language = i18n_language_of_environment(); /* = run_config_language */
    char root[RUN_CONFIG_PATH_MAX - 64]; /* room for "/templates/<name>" in each path */
    const char *data_dir = run_config_data_dir(root, sizeof(root));
    snprintf(config.template_path, sizeof(config.template_path), "%s/%s", data_dir,
             RUN_CONFIG_TEMPLATE);
    snprintf(config.enclosure_path, sizeof(config.enclosure_path), "%s/%s", data_dir,
             RUN_CONFIG_ENCLOSURE);
    snprintf(config.inquiry_path, sizeof(config.inquiry_path), "%s/%s", data_dir,
             RUN_CONFIG_INQUIRY);
    return config;
}

static kg_err parse_int(const char *key, const char *value, long low, long high, int *out,
                        kg_errbuf *errbuf)
{
    char *end = NULL;
    errno = 0;
    long number = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || number < low || number > high)
        return kg_fail(errbuf, KG_ERR_CONFIG,
                       _("unable to use %s = '%s': a whole number from %ld to %ld is needed"), key,
                       value, low, high);
    *out = (int)number;
    return KG_OK;
}

/* A template path (no quotes or backslashes: it goes into the JSON as it is); "none" is
 * the empty path where none_allowed. */
static kg_err set_path(const char *key, const char *value, bool none_allowed, char *slot,
                       size_t cap, kg_errbuf *errbuf)
{
    if (none_allowed && strcmp(value, "none") == 0) {
        slot[0] = '\0';
        return KG_OK;
    }
    size_t len = strlen(value);
    if (len == 0 || len >= cap || strpbrk(value, "\"\\") != NULL)
        return kg_fail(errbuf, KG_ERR_CONFIG,
                       _("unable to use %s = '%.100s': a file path (no quotes or backslashes, at "
                         "most %zu bytes) is needed%s"),
                       key, value, cap - 1, none_allowed ? _(", or none") : "");
    memcpy(slot, value, len + 1);
    return KG_OK;
}

kg_err run_config_set(run_config *config, const char *key, const char *value, kg_errbuf *errbuf)
{
    if (strcmp(key, "lead_days") == 0)
        return parse_int(key, value, 0, 120, &config->select.lead_days, errbuf);
    if (strcmp(key, "mover_months") == 0)
        return parse_int(key, value, 0, 24, &config->select.mover_months, errbuf);
    if (strcmp(key, "max_pages") == 0)
        return parse_int(key, value, 1, 100000, &config->max_pages, errbuf);
    if (strcmp(key, "render_threads") == 0)
        return parse_int(key, value, 0, 64, &config->render_threads, errbuf);
    if (strcmp(key, "form_overdue_days") == 0)
        return parse_int(key, value, 1, 365, &config->form_overdue_days, errbuf);
    if (strcmp(key, "retention_years") == 0)
        return parse_int(key, value, 1, 30, &config->retention_years, errbuf);
    if (strcmp(key, "template") == 0)
        return set_path(key, value, false, config->template_path, sizeof(config->template_path),
                        errbuf);
    if (strcmp(key, "enclosure_template") == 0)
        return set_path(key, value, true, config->enclosure_path, sizeof(config->enclosure_path),
                        errbuf);
    if (strcmp(key, "inquiry_template") == 0)
        return set_path(key, value, false, config->inquiry_path, sizeof(config->inquiry_path),
                        errbuf);
    if (strcmp(key, "window") == 0) {
        if (strcmp(value, "w1") == 0 || strcmp(value, "w2") == 0) {
            config->select.rules.window_w2 = value[1] == '2';
            return KG_OK;
        }
        return kg_fail(errbuf, KG_ERR_CONFIG, _("unable to use window = '%s': use w1 or w2"),
                       value);
    }
    if (strcmp(key, "feb29") == 0) {
        if (strcmp(value, "feb28") == 0 || strcmp(value, "mar1") == 0) {
            config->select.rules.feb29 = value[0] == 'm' ? FEB29_AS_MAR1 : FEB29_AS_FEB28;
            return KG_OK;
        }
        return kg_fail(errbuf, KG_ERR_CONFIG, _("unable to use feb29 = '%s': use feb28 or mar1"),
                       value);
    }
    /* how a command runs (not stored with the run): db, strict, max_days_ahead */
    if (strcmp(key, "db") == 0) {
        size_t len = strlen(value);
        if (len == 0 || len >= sizeof(config->db))
            return kg_fail(errbuf, KG_ERR_CONFIG,
                           _("unable to use db: a libpq connection string of 1 to %zu bytes is "
                             "needed"),
                           sizeof(config->db) - 1);
        memcpy(config->db, value, len + 1); /* a password is refused where it is used */
        return KG_OK;
    }
    if (strcmp(key, "municipality") == 0) {
        kg_errbuf refusal;
        if (!municipality_is_default(value) && municipality_code_check(value, &refusal) != KG_OK)
            return kg_fail(errbuf, KG_ERR_CONFIG, "%s", refusal.text);
        snprintf(config->municipality, sizeof(config->municipality), "%s", value);
        return KG_OK;
    }
    if (strcmp(key, "strict") == 0) {
        if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
            config->strict = value[0] == 't';
            return KG_OK;
        }
        return kg_fail(errbuf, KG_ERR_CONFIG, _("unable to use strict = '%s': use true or false"),
                       value);
    }
    if (strcmp(key, "language") == 0) {
        kg_language language;
        kg_err err = i18n_language_parse(value, &language, errbuf);
        if (err != KG_OK) /* a refused value leaves the language as it was */
            return err;
        config->language_set = true;
        config->language = language;
        config->select.language = language; /* the details' language (D112) */
        return KG_OK;
    }
    if (strcmp(key, "csv_bom") == 0) {
        if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
            config->csv_bom_set = true;
            config->csv_bom = value[0] == 't';
            return KG_OK;
        }
        return kg_fail(errbuf, KG_ERR_CONFIG, _("unable to use csv_bom = '%s': use true or false"),
                       value);
    }
    if (strcmp(key, "csv_encoding") == 0) {
        if (csv_encoding_parse(value, &config->csv_encoding))
            return KG_OK;
        return kg_fail(errbuf, KG_ERR_CONFIG,
                       _("unable to use csv_encoding = '%s': use utf8 or cp932"), value);
    }
    if (strcmp(key, "max_days_ahead") == 0) {
        config->max_days_ahead_set = true;
        return parse_int(key, value, 0, 31, &config->max_days_ahead, errbuf);
    }
    return kg_fail(errbuf, KG_ERR_CONFIG,
                   _("unable to use configuration key '%s': the keys are lead_days, "
                     "mover_months, window, feb29, max_pages, render_threads, template, "
                     "enclosure_template, inquiry_template, form_overdue_days, retention_years, "
                     "db, strict, max_days_ahead, language, csv_bom, csv_encoding"),
                   key);
}

kg_language run_config_language(const run_config *config)
{
    return config->language_set ? config->language : i18n_language_of_environment();
}

csv_format run_config_csv_format(const run_config *config)
{
    bool bom = config->csv_bom_set ? config->csv_bom : run_config_language(config) == KG_LANG_JA;
    return (csv_format){bom && config->csv_encoding == CSV_UTF8, config->csv_encoding};
}

int run_config_max_days_ahead(const run_config *config)
{
    return config->max_days_ahead_set ? config->max_days_ahead : RUN_CONFIG_MAX_DAYS_AHEAD;
}

/* The keys whose value is a file path, taken from the configuration file's directory when
 * relative; "none" stays "none" where it means no file. */
static bool is_path_key(const char *key, const char *value)
{
    if (strcmp(key, "enclosure_template") == 0)
        return strcmp(value, "none") != 0;
    return strcmp(key, "template") == 0 || strcmp(key, "inquiry_template") == 0;
}

/* value, or the file's directory (the first dir_len bytes of its path), '/' and value in
 * joined when value is a relative path of a path key and the file's path names a
 * directory (in_dir); NULL when that does not fit. */
static const char *from_file_dir(const char *key, const char *value, const char *file_path,
                                 bool in_dir, size_t dir_len, char *joined, size_t cap)
{
    if (!in_dir || value[0] == '/' || value[0] == '\0' || !is_path_key(key, value))
        return value;
    int len = snprintf(joined, cap, "%.*s/%s", (int)dir_len, file_path, value);
    return len > 0 && (size_t)len < cap ? joined : NULL;
}

static char *trim(char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t len = strlen(text);
    while (len > 0 && strchr(" \t\r\n", text[len - 1]) != NULL)
        text[--len] = '\0';
    return text;
}

kg_err run_config_read_file(run_config *config, const char *path, kg_errbuf *errbuf)
{
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return kg_fail(errbuf, KG_ERR_CONFIG, _("unable to open '%s': %s"), path, strerror(errno));
    /* the file's directory: its path before the last '/' (empty for a file in /); a file
     * named without one is in the current directory, which relative paths are already
     * taken from */
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash == NULL ? 0 : (size_t)(slash - path);
    char line[LINE_MAX_LEN];
    long line_no = 0;
    kg_err err = KG_OK;
    while (err == KG_OK && fgets(line, sizeof(line), file) != NULL) {
        line_no++;
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *text = trim(line);
        if (*text == '\0')
            continue;
        char *equals = strchr(text, '=');
        if (equals == NULL) {
            err = kg_fail(errbuf, KG_ERR_CONFIG,
                          _("unable to read '%s': line %ld is not key = value"), path, line_no);
            break;
        }
        *equals = '\0';
        const char *key = trim(text);
        const char *value = trim(equals + 1);
        char joined[sizeof(config->template_path)];
        const char *resolved =
            from_file_dir(key, value, path, slash != NULL, dir_len, joined, sizeof(joined));
        kg_errbuf inner;
        /* the value as written first, so that a message quotes the file's own text */
        err = run_config_set(config, key, value, &inner);
        if (err == KG_OK && resolved == NULL)
            err = kg_fail(&inner, KG_ERR_CONFIG,
                          _("unable to use %s = '%.100s': taken from the file's directory, the "
                            "path is longer than %zu bytes"),
                          key, value, sizeof(joined) - 1);
        else if (err == KG_OK && resolved != value)
            err = run_config_set(config, key, resolved, &inner);
        if (err != KG_OK)
            kg_fail(errbuf, err, "%s:%ld: %s", path, line_no, inner.text);
    }
    if (err == KG_OK && ferror(file))
        err = kg_fail(errbuf, KG_ERR_CONFIG, _("unable to read '%s'"), path);
    fclose(file);
    return err;
}

kg_err run_config_read_default(run_config *config, const char **path, kg_errbuf *errbuf)
{
    if (*path != NULL)
        return KG_OK;
    const char *system_file = run_config_system_file();
    struct stat info;
    if (system_file[0] == '\0' || (stat(system_file, &info) != 0 && errno == ENOENT))
        return KG_OK;
    kg_err err = run_config_read_file(config, system_file, errbuf);
    if (err == KG_OK)
        *path = system_file;
    return err;
}

kg_err run_config_read_command(run_config *config, const char **path, kg_errbuf *errbuf)
{
    const run_config before = *config;
    kg_err err = *path != NULL ? run_config_read_file(config, *path, errbuf)
                               : run_config_read_default(config, path, errbuf);
    kg_language language = run_config_language(config);
    if (err != KG_OK && language != run_config_language(&before)) {
        /* the message again, in the language the file chose before its bad line */
        i18n_use(language);
        run_config again = before;
        const char *again_path = *path;
        err = again_path != NULL ? run_config_read_file(&again, again_path, errbuf)
                                 : run_config_read_default(&again, &again_path, errbuf);
    }
    i18n_use(language);
    return err;
}

void run_config_json(const run_config *config, const run_config_hashes *hashes, char *buf,
                     size_t cap)
{
    csv_format csv = run_config_csv_format(config);
    snprintf(buf, cap,
             "{\"lead_days\": %d, \"mover_months\": %d, \"window\": \"%s\", \"feb29\": \"%s\", "
             "\"max_pages\": %d, \"template\": \"%s\", \"template_sha256\": \"%s\", "
             "\"enclosure_template\": \"%s\", \"enclosure_sha256\": \"%s\", "
             "\"inquiry_template\": \"%s\", \"inquiry_sha256\": \"%s\", \"language\": \"%s\", "
             "\"csv_bom\": %s, \"csv_encoding\": \"%s\"}",
             config->select.lead_days, config->select.mover_months,
             config->select.rules.window_w2 ? "w2" : "w1",
             config->select.rules.feb29 == FEB29_AS_MAR1 ? "mar1" : "feb28", config->max_pages,
             config->template_path, hashes->notice, config->enclosure_path, hashes->enclosure,
             config->inquiry_path, hashes->inquiry, i18n_language_name(run_config_language(config)),
             csv.bom ? "true" : "false", csv_encoding_name(csv.encoding));
}
