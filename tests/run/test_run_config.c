/*
 * test_run_config.c - where the configuration takes its paths from: the default templates
 * under the compiled-in data directory (the checkout for this build), relative template
 * paths of a file taken from that file's directory, and no default file in a checkout's
 * build (tests/scripts/test_install.sh checks the installed build's); and the one function
 * every command reads its file with, which then speaks the file's language (D107).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/i18n.h"

#include "run/run_config.h"
#include "test.h"

static void write_config(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fputs(text, file);
    fclose(file);
}

/* The defaults name the checkout's templates (KIGEN_ROOT), which exist. */
static void the_default_templates_are_in_the_data_directory(void)
{
    run_config config = run_config_default();
    char expected[1024], root[RUN_CONFIG_PATH_MAX];
    snprintf(expected, sizeof(expected), "%s/templates/notice.tmpl",
             run_config_data_dir(root, sizeof(root)));
    CU_ASSERT_STRING_EQUAL(config.template_path, expected);
    snprintf(expected, sizeof(expected), "%s/templates/enclosure.tmpl",
             run_config_data_dir(root, sizeof(root)));
    CU_ASSERT_STRING_EQUAL(config.enclosure_path, expected);
    snprintf(expected, sizeof(expected), "%s/templates/inquiry.tmpl",
             run_config_data_dir(root, sizeof(root)));
    CU_ASSERT_STRING_EQUAL(config.inquiry_path, expected);
    struct stat built_in, checkout;
    char root_template[1024];
    test_root_path("templates/notice.tmpl", root_template, sizeof(root_template));
    CU_ASSERT_EQUAL_FATAL(stat(config.template_path, &built_in), 0);
    CU_ASSERT_EQUAL_FATAL(stat(root_template, &checkout), 0);
    CU_ASSERT(built_in.st_ino == checkout.st_ino && built_in.st_dev == checkout.st_dev);
}

/* template = sub/notice.tmpl in DIR/kigen.conf is DIR/sub/notice.tmpl; an absolute path and
 * `none` stay as written; the other keys are not paths. */
static void relative_paths_are_taken_from_the_file_directory(void)
{
    char dir[] = "/tmp/kigen-test-config-XXXXXX";
    test_make_temp_dir(dir);
    char path[256], expected[512];
    snprintf(path, sizeof(path), "%s/kigen.conf", dir);
    write_config(path, "template = sub/notice.tmpl\n"
                       "enclosure_template = none\n"
                       "inquiry_template = /srv/kigen/inquiry.tmpl\n"
                       "lead_days = 20\n");
    run_config config = run_config_default();
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL(run_config_read_file(&config, path, &errbuf), KG_OK);
    snprintf(expected, sizeof(expected), "%s/sub/notice.tmpl", dir);
    CU_ASSERT_STRING_EQUAL(config.template_path, expected);
    CU_ASSERT_STRING_EQUAL(config.enclosure_path, "");
    CU_ASSERT_STRING_EQUAL(config.inquiry_path, "/srv/kigen/inquiry.tmpl");
    CU_ASSERT_EQUAL(config.select.lead_days, 20);
    /* a later file of the same directory, another relative name */
    write_config(path, "enclosure_template = ../forms/enclosure.tmpl\n");
    CU_ASSERT_EQUAL(run_config_read_file(&config, path, &errbuf), KG_OK);
    snprintf(expected, sizeof(expected), "%s/../forms/enclosure.tmpl", dir);
    CU_ASSERT_STRING_EQUAL(config.enclosure_path, expected);
    remove(path);
    test_remove_dir(dir);
}

/* A message quotes the value as the file has it; a path too long once the directory is
 * put before it is refused, not cut. */
static void a_refused_path_is_reported_as_written(void)
{
    char dir[] = "/tmp/kigen-test-config-XXXXXX";
    test_make_temp_dir(dir);
    char path[256], text[1100];
    snprintf(path, sizeof(path), "%s/kigen.conf", dir);
    write_config(path, "inquiry_template = templates/\"inquiry\".tmpl\n");
    run_config config = run_config_default();
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL(run_config_read_file(&config, path, &errbuf), KG_ERR_CONFIG);
    test_contains(errbuf.text, ":1: unable to use inquiry_template = 'templates/\"inquiry\".tmpl'");
    char long_name[1001];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    snprintf(text, sizeof(text), "# a long name\ntemplate = %s\n", long_name);
    write_config(path, text);
    config = run_config_default();
    CU_ASSERT_EQUAL(run_config_read_file(&config, path, &errbuf), KG_ERR_CONFIG);
    test_contains(errbuf.text, ":2: unable to use template = 'nnnn");
    test_contains(errbuf.text,
                  "taken from the file's directory, the path is longer than 1023 bytes");
    remove(path);
    test_remove_dir(dir);
}

/* A build in the checkout reads no configuration file unless told (--config). */
static void a_checkout_build_has_no_default_file(void)
{
    CU_ASSERT_STRING_EQUAL(run_config_system_file(), "");
    run_config config = run_config_default();
    config.select.lead_days = 99;
    kg_errbuf errbuf;
    const char *path = NULL;
    CU_ASSERT_EQUAL(run_config_read_default(&config, &path, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(config.select.lead_days, 99);
    CU_ASSERT_PTR_NULL(path);
}

/* csv_bom and csv_encoding (D115, D117): the BOM by default in Japanese only, never with
 * CP932; both stored with the run, resolved; values out of their sets refused. */
static void csv_form_follows_the_language_unless_set(void)
{
    run_config config = run_config_default();
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL(run_config_set(&config, "language", "ja", &errbuf), KG_OK);
    csv_format format = run_config_csv_format(&config);
    CU_ASSERT_TRUE(format.bom);
    CU_ASSERT_EQUAL(format.encoding, CSV_UTF8);
    CU_ASSERT_EQUAL(run_config_set(&config, "language", "en", &errbuf), KG_OK);
    CU_ASSERT_FALSE(run_config_csv_format(&config).bom);
    CU_ASSERT_EQUAL(run_config_set(&config, "csv_bom", "true", &errbuf), KG_OK);
    CU_ASSERT_TRUE(run_config_csv_format(&config).bom);
    CU_ASSERT_EQUAL(run_config_set(&config, "language", "ja", &errbuf), KG_OK);
    CU_ASSERT_EQUAL(run_config_set(&config, "csv_bom", "false", &errbuf), KG_OK);
    CU_ASSERT_FALSE(run_config_csv_format(&config).bom);
    /* CP932: no BOM, whatever csv_bom says */
    CU_ASSERT_EQUAL(run_config_set(&config, "csv_bom", "true", &errbuf), KG_OK);
    CU_ASSERT_EQUAL(run_config_set(&config, "csv_encoding", "cp932", &errbuf), KG_OK);
    format = run_config_csv_format(&config);
    CU_ASSERT_FALSE(format.bom);
    CU_ASSERT_EQUAL(format.encoding, CSV_CP932);
    char json[4096];
    run_config_hashes hashes = {"", "", ""};
    run_config_json(&config, &hashes, json, sizeof(json));
    test_contains(json, "\"csv_bom\": false, \"csv_encoding\": \"cp932\"}");
    CU_ASSERT_EQUAL(run_config_set(&config, "csv_encoding", "utf8", &errbuf), KG_OK);
    run_config_json(&config, &hashes, json, sizeof(json));
    test_contains(json, "\"csv_bom\": true, \"csv_encoding\": \"utf8\"}");

    CU_ASSERT_EQUAL(run_config_set(&config, "csv_bom", "yes", &errbuf), KG_ERR_CONFIG);
    CU_ASSERT_STRING_EQUAL(errbuf.text, "unable to use csv_bom = 'yes': use true or false");
    CU_ASSERT_EQUAL(run_config_set(&config, "csv_encoding", "sjis", &errbuf), KG_ERR_CONFIG);
    CU_ASSERT_STRING_EQUAL(errbuf.text, "unable to use csv_encoding = 'sjis': use utf8 or cp932");
    CU_ASSERT_EQUAL(run_config_set(&config, "csv", "1", &errbuf), KG_ERR_CONFIG);
    test_contains(errbuf.text, "language, csv_bom, csv_encoding");
}

/* run_config_read_command: --config's file, else the default (none in a checkout), then its
 * language for every later message; a bad line said in the language chosen above it. */
static void the_command_speaks_the_files_language(void)
{
    char dir[] = "/tmp/kigen-test-config-XXXXXX", path[256];
    test_make_temp_dir(dir);
    snprintf(path, sizeof(path), "%s/kigen.conf", dir);
    kg_errbuf errbuf;
    memset(&errbuf, 0, sizeof(errbuf));
    write_config(path, "language = ja\nlead_days = 20\n");
    run_config config = run_config_default();
    const char *given = path;
    CU_ASSERT_EQUAL(run_config_read_command(&config, &given, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(run_config_language(&config), KG_LANG_JA);
    CU_ASSERT_EQUAL(config.select.lead_days, 20);
    CU_ASSERT_STRING_EQUAL(_("out of memory"), "メモリが足りません");
    CU_ASSERT_STRING_EQUAL(kg_strerror(KG_ERR_DB_CONNECT), "データベースに接続できません");
    CU_ASSERT_STRING_EQUAL(kg_err_code(KG_ERR_DB_CONNECT), "db_connect"); /* a code stays */
    /* the file's bad line, in the language its first line chose */
    write_config(path, "language = ja\nlead_days = many\n");
    config = run_config_default();
    i18n_use(KG_LANG_EN);
    CU_ASSERT_EQUAL(run_config_read_command(&config, &given, &errbuf), KG_ERR_CONFIG);
    test_contains(errbuf.text, ":2: lead_days = 'many' は使用できません。0 から 120 までの整数");
    write_config(path, "language = en\n");
    config = run_config_default();
    CU_ASSERT_EQUAL(run_config_read_command(&config, &given, &errbuf), KG_OK);
    CU_ASSERT_STRING_EQUAL(_("out of memory"), "out of memory");
    /* no --config in a checkout's build: no file, the environment's language (LANG=C here) */
    config = run_config_default();
    given = NULL;
    CU_ASSERT_EQUAL(run_config_read_command(&config, &given, &errbuf), KG_OK);
    CU_ASSERT_PTR_NULL(given);
    CU_ASSERT_FALSE(config.language_set);
    i18n_use(KG_LANG_EN); /* the other suites compare English */
    unlink(path);
    test_remove_dir(dir);
}

int tests_register_run_config(void)
{
    static const test_case cases[] = {
        {"the_default_templates_are_in_the_data_directory",
         the_default_templates_are_in_the_data_directory},
        {"relative_paths_are_taken_from_the_file_directory",
         relative_paths_are_taken_from_the_file_directory},
        {"a_refused_path_is_reported_as_written", a_refused_path_is_reported_as_written},
        {"a_checkout_build_has_no_default_file", a_checkout_build_has_no_default_file},
        {"csv_form_follows_the_language_unless_set", csv_form_follows_the_language_unless_set},
        {"the_command_speaks_the_files_language", the_command_speaks_the_files_language},
        {NULL, NULL},
    };
    return tests_add_suite("run_config", cases);
}
