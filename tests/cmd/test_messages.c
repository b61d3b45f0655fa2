/*
 * test_messages.c - kigen speaks the configuration's language (D105-D109): under
 * `language = ja` the load's summary and its rejected rows, the dry run's summary, the
 * help texts, the usage errors and the log's level word are Japanese, with the same
 * numbers and the same machine parts (file:line: column, reason codes, error:<code>);
 * `language = en` wins over a Japanese environment and `language = ja` over LANG=C; and
 * without a configuration, under LANG=C, every text is the English it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#define RUN_DATE "2026-12-01"
/* the environment of cron under LANG=C, or of a Japanese desktop */
#define ENGLISH_ENV "env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=C "
#define JAPANESE_ENV "env -u LANGUAGE LC_ALL=ja_JP.UTF-8 "

/* Runs `<prefix> '<kigen>' <args>`, stdout into *out and stderr into *err (each freed by
 * the caller, "" when empty); returns the exit status. */
static int kigen(const char *prefix, const char *args, char **out, char **err)
{
    char command_line[8192], err_path[] = "/tmp/kigen-test-messages-XXXXXX";
    int fd = mkstemp(err_path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    snprintf(command_line, sizeof(command_line), "%s '%s' %s 2>'%s'", prefix, test_kigen_bin(),
             args, err_path);
    char *output = NULL;
    int status = test_run_shell(command_line, &output);
    *out = output != NULL ? output : strdup("");
    char *errors = test_read_file(err_path);
    *err = errors != NULL ? errors : strdup("");
    unlink(err_path);
    return status;
}

/* A configuration file that only sets the language, in dir. */
static void write_language(const char *dir, const char *name, const char *language, char *path,
                           size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *file = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fprintf(file, "# only the language\nlanguage = %s\n", language);
    fclose(file);
}

static void the_configuration_wins_over_the_environment(void)
{
    char dir[] = "/tmp/kigen-test-messages-XXXXXX", ja[256], en[256], args[1024];
    test_make_temp_dir(dir);
    write_language(dir, "ja.conf", "ja", ja, sizeof(ja));
    write_language(dir, "en.conf", "en", en, sizeof(en));
    char *out = NULL, *err = NULL;
    /* a message written after the configuration is read: the database cannot be reached */
    snprintf(args, sizeof(args), "db version --config '%s' --db 'host=/nonexistent dbname=x'", ja);
    CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, args, &out, &err), 4);
    test_contains(err, "kigen: エラー: データベースに接続できません: ");
    test_contains(err, "kigen: エラー: ヒント: サーバーが動いていて、次の設定 (--db による) で");
    CU_ASSERT_PTR_NULL(strstr(err, "unable to"));
    free(out);
    free(err);
    snprintf(args, sizeof(args), "db version --config '%s' --db 'host=/nonexistent dbname=x'", en);
    CU_ASSERT_EQUAL(kigen(JAPANESE_ENV, args, &out, &err), 4);
    test_contains(err, "kigen: error: unable to connect to the database: ");
    test_contains(err, "kigen: error: HINT: check that the server runs");
    free(out);
    free(err);
    /* no configuration: the environment's, Japanese without a ja_JP locale on the machine */
    CU_ASSERT_EQUAL(kigen(JAPANESE_ENV, "verify /nonexistent-folder", &out, &err), 3);
    test_contains(err,
                  "kigen: エラー: '/nonexistent-folder' を検証できません: フォルダがありません");
    free(out);
    free(err);
    CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, "verify /nonexistent-folder", &out, &err), 3);
    test_contains(err, "kigen: error: unable to verify '/nonexistent-folder': no such folder");
    free(out);
    free(err);
    /* a broken configuration is reported in the language it chose before its bad line */
    snprintf(ja, sizeof(ja), "%s/broken.conf", dir);
    FILE *file = fopen(ja, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fputs("language = ja\nlead_days = many\n", file);
    fclose(file);
    snprintf(args, sizeof(args), "wareki --config '%s'", ja);
    CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, args, &out, &err), 2);
    test_contains(err,
                  "broken.conf:2: lead_days = 'many' は使用できません。0 から 120 までの整数を");
    free(out);
    free(err);
    test_remove_dir(dir);
}

static void every_command_takes_config(void)
{
    static const char *const commands[] = {"db",     "load",    "run",      "sample", "export",
                                           "forms",  "notices", "purge",    "verify", "expiry",
                                           "wareki", "barcode", "template", "version"};
    char dir[] = "/tmp/kigen-test-messages-XXXXXX", ja[256], args[1024];
    test_make_temp_dir(dir);
    write_language(dir, "ja.conf", "ja", ja, sizeof(ja));
    for (size_t cmd_idx = 0; cmd_idx < sizeof(commands) / sizeof(commands[0]); cmd_idx++) {
        char *out = NULL, *err = NULL;
        snprintf(args, sizeof(args), "%s --config '%s' --help", commands[cmd_idx], ja);
        CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, args, &out, &err), 0);
        if (strstr(out, "--config FILE") == NULL)
            fprintf(stderr, "\n  kigen %s --help has no --config FILE\n", commands[cmd_idx]);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "--config FILE"));
        free(out);
        free(err);
    }
    test_remove_dir(dir);
}

static void help_and_usage_in_japanese_and_english(void)
{
    char dir[] = "/tmp/kigen-test-messages-XXXXXX", ja[256], args[1024];
    test_make_temp_dir(dir);
    write_language(dir, "ja.conf", "ja", ja, sizeof(ja));
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(kigen(JAPANESE_ENV, "--help", &out, &err), 0);
    test_contains(
        out, "使い方: kigen [--db CONNINFO] [--municipality CODE] [-v|-q] コマンド [オプション]\n");
    test_contains(out, "\nコマンド:\n  db           db migrate: スキーマを作成・更新します");
    test_contains(out,
                  "  wareki       フィルタ: 標準入力の ISO 形式の日付を和暦にして標準出力へ\n");
    test_contains(out, "終了ステータス: 0 正常、1 例外ありで終了");
    free(out);
    free(err);
    CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, "--help", &out, &err), 0);
    test_contains(out,
                  "usage: kigen [--db CONNINFO] [--municipality CODE] [-v|-q] COMMAND [OPTIONS]\n");
    test_contains(out, "\ncommands:\n  db           db migrate: create or upgrade the schema");
    free(out);
    free(err);
    snprintf(args, sizeof(args), "load --help --config '%s'", ja);
    CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, args, &out, &err), 0);
    test_contains(out, "使い方: kigen load DIR [--encoding utf8|cp932] [--bulk] [--full]\n");
    test_contains(out, "  --config FILE       設定ファイル: db、language");
    free(out);
    free(err);
    /* a usage error: the message and the synopsis under it */
    snprintf(args, sizeof(args), "load --config '%s' --bogus", ja);
    CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, args, &out, &err), 2);
    test_contains(err, "kigen: エラー: オプション '--bogus' を解釈できません: kigen load の"
                       "オプションではありません\n使い方: kigen load DIR");
    free(out);
    free(err);
    CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, "load --bogus", &out, &err), 2);
    test_contains(err, "kigen: error: unable to parse option '--bogus': not an option of kigen "
                       "load\nusage: kigen load DIR");
    free(out);
    free(err);
    /* the filters' data stays as it is: error:<code> for a script */
    snprintf(args, sizeof(args), "wareki --config '%s'", ja);
    CU_ASSERT_EQUAL(kigen("printf '2019-05-01\\n2019-02-30\\n' | " ENGLISH_ENV, args, &out, &err),
                    1);
    CU_ASSERT_STRING_EQUAL(out, "令和元年5月1日\nerror:date_invalid\n");
    free(out);
    free(err);
    test_remove_dir(dir);
}

static void load_and_dry_run_summaries_in_japanese(void)
{
    char dir[] = "/tmp/kigen-test-messages-XXXXXX", ja[256], extract[1024], args[2048];
    test_make_temp_dir(dir);
    write_language(dir, "ja.conf", "ja", ja, sizeof(ja));
    test_root_path("samples/extract", extract, sizeof(extract));
    test_loaded_database(); /* the sample extract, loaded once */
    char *out = NULL, *err = NULL;
    /* loaded again under language = ja: the same rows rejected, said in Japanese */
    snprintf(args, sizeof(args), "load --config '%s' '%s'", ja, extract);
    CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, args, &out, &err), 1);
    test_contains(out, "ファイル                   読込       却下       変更   変更なし\n");
    test_contains(out, "\nresidents.csv ");
    test_contains(err, "residents.csv:326: birth_date: 存在しない日付です\n");
    test_contains(err, "residents.csv:327: sex: 0、1、2、9 のいずれでもありません\n");
    test_contains(
        err, "residents.csv:329: resident_id: 前の行と重複しています (最初の行を取り込みます)\n");
    test_contains(err, "certificates.csv:693: card_id: このカードは別の住民のものです\n");
    free(out);
    free(err);
    /* and under LANG=C without a configuration, the English of before */
    snprintf(args, sizeof(args), "load '%s'", extract);
    CU_ASSERT_EQUAL(kigen(ENGLISH_ENV, args, &out, &err), 1);
    test_contains(out, "file                       read   rejected    changed  unchanged\n");
    test_contains(err, "residents.csv:326: birth_date: no such day\n");
    test_contains(err, "residents.csv:329: resident_id: duplicate of an earlier line (the first "
                       "one is loaded)\n");
    free(out);
    free(err);
    /* the dry run's summary; the reason codes stay codes */
    snprintf(args, sizeof(args), "run --dry-run --date " RUN_DATE " --config '%s'", ja);
    CU_ASSERT_EQUAL(kigen("KIGEN_TODAY=" RUN_DATE " " ENGLISH_ENV, args, &out, &err), 0);
    test_contains(out, "2026-12-01 の実行: 試行のため、何も記録・出力していません: 住民 ");
    test_contains(out, "  除外 bad_data                2  データ不備\n");
    free(out);
    free(err);
    CU_ASSERT_EQUAL(kigen("KIGEN_TODAY=" RUN_DATE " " ENGLISH_ENV, "run --dry-run --date " RUN_DATE,
                          &out, &err),
                    0);
    test_contains(out, "run 2026-12-01: dry run, nothing recorded or written: ");
    test_contains(out, "  excluded bad_data          2\n");
    free(out);
    free(err);
    /* the run's guard on the date: its plural in English, its Japanese */
    snprintf(args, sizeof(args), "run --date 2026-12-04 --out '%s' --config '%s'", dir, ja);
    CU_ASSERT_EQUAL(kigen("KIGEN_TODAY=" RUN_DATE " " ENGLISH_ENV, args, &out, &err), 2);
    test_contains(err, "2026-12-04 の夜間処理は実行できません: 今日 (日本時間で 2026-12-01) より "
                       "3 日先の日付ですが、実行できるのは 1 日先までです (max_days_ahead)");
    free(out);
    free(err);
    test_remove_dir(dir);
}

int tests_register_messages(void)
{
    static const test_case cases[] = {
        {"the_configuration_wins_over_the_environment",
         the_configuration_wins_over_the_environment},
        {"every_command_takes_config", every_command_takes_config},
        {"help_and_usage_in_japanese_and_english", help_and_usage_in_japanese_and_english},
        {"load_and_dry_run_summaries_in_japanese", load_and_dry_run_summaries_in_japanese},
        {NULL, NULL},
    };
    return tests_add_suite("messages", cases);
}
