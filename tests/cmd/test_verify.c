/*
 * test_verify.c - `kigen verify` and its manifest reader: a real run's folder matches its
 * manifest.json (which lists every file of the folder); a changed byte, a deleted file
 * and an added file are each named; a folder without a manifest, or with one that is not
 * kigen's (garbage, every truncation of a real one), is refused without a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/manifest_read.h"
#include "test.h"

#define RUN_DATE "2026-12-01"

static const char sample_manifest[] =
    "{\n  \"run_date\": \"2026-12-01\",\n  \"run_id\": 1,\n  \"files\": [\n"
    "    {\"name\": \"notices.csv\", \"rows\": 4, \"bytes\": 120, \"sha256\": "
    "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"},\n"
    "    {\"name\": \"registered-mail.pdf\", \"pages\": 1, \"bytes\": 9, \"sha256\": "
    "\"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"}\n  ],\n"
    "  \"excluded_per_reason\": { \"bad_data\" : 2, \"x\\\"y\" : [1.5e3, true, null] },\n"
    "  \"notices_per_office\": {}\n}\n";

static int parse_text(const char *text, size_t len, manifest *out, char *why, size_t cap)
{
    char *copy = malloc(len > 0 ? len : 1); /* exactly len bytes: a read past them is caught */
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    memcpy(copy, text, len);
    int status = manifest_parse(copy, len, out, why, cap);
    free(copy);
    return status;
}

static void the_reader_takes_the_files_of_a_manifest(void)
{
    manifest listed;
    char why[256];
    CU_ASSERT_EQUAL_FATAL(
        parse_text(sample_manifest, strlen(sample_manifest), &listed, why, sizeof(why)), 0);
    CU_ASSERT_EQUAL_FATAL(listed.count, 2);
    CU_ASSERT_STRING_EQUAL(listed.files[0].name, "notices.csv");
    CU_ASSERT_EQUAL(listed.files[0].bytes, 120);
    CU_ASSERT_STRING_EQUAL(listed.files[1].name, "registered-mail.pdf");
    CU_ASSERT_EQUAL(listed.files[1].bytes, 9);
    CU_ASSERT_EQUAL(listed.files[1].sha256[0], 'f');
    manifest_free(&listed);
}

static void every_truncation_and_garbage_is_refused_without_a_crash(void)
{
    manifest listed;
    char why[256];
    size_t len = strlen(sample_manifest);
    /* the closing brace is the last byte that matters: every shorter text is refused */
    size_t last = (size_t)(strrchr(sample_manifest, '}') - sample_manifest);
    for (size_t cut = 0; cut <= last; cut++) {
        CU_ASSERT_EQUAL(parse_text(sample_manifest, cut, &listed, why, sizeof(why)), -1);
        CU_ASSERT_NOT_EQUAL(why[0], '\0');
        CU_ASSERT_PTR_NULL(listed.files);
    }
    /* every byte replaced by each of a few others: an answer each time, never a crash */
    static const char replacements[] = {'\0', '"', '\\', '{', '}', '[', ']', ',', ':', 'x', '9'};
    char *text = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (size_t pos = 0; pos < len; pos++) {
        for (size_t rep = 0; rep < sizeof(replacements); rep++) {
            memcpy(text, sample_manifest, len);
            text[pos] = replacements[rep];
            if (parse_text(text, len, &listed, why, sizeof(why)) == 0)
                manifest_free(&listed);
        }
    }
    /* random bytes (a fixed seed) and random bytes between braces */
    unsigned state = 12345;
    for (int round = 0; round < 2000; round++) {
        size_t size = (size_t)(round % 200) + 1;
        for (size_t idx = 0; idx < size && idx < len; idx++) {
            state = state * 1103515245u + 12345u;
            text[idx] = (char)(state >> 16);
        }
        if (round % 2 == 0)
            text[0] = '{';
        CU_ASSERT_EQUAL(parse_text(text, size < len ? size : len, &listed, why, sizeof(why)), -1);
    }
    free(text);
    static const char *const refused[] = {
        "",
        "null",
        "[]",
        "{}",
        "{\"run_date\": \"x\"}",
        "{\"run_date\": \"x\", \"files\": {}}",
        "{\"run_date\": \"x\", \"files\": [{\"name\": \"a\", \"bytes\": 1}]}",
        "{\"run_date\": \"x\", \"files\": [{\"name\": \"../a\", \"bytes\": 1, \"sha256\": "
        "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}]}",
        "{\"run_date\": \"x\", \"files\": [{\"name\": \"a\", \"bytes\": -1, \"sha256\": "
        "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}]}",
        "{\"run_date\": \"x\", \"files\": [{\"name\": \"a\", \"bytes\": 1, \"sha256\": \"00\"}]}",
        "{\"run_date\": \"x\", \"files\": []} trailing",
        "{\"run_date\": \"x\", \"files\": [], \"files\": []}",
        NULL,
    };
    for (const char *const *bad = refused; *bad != NULL; bad++) {
        CU_ASSERT_EQUAL(parse_text(*bad, strlen(*bad), &listed, why, sizeof(why)), -1);
        CU_ASSERT_NOT_EQUAL(why[0], '\0');
    }
    /* nesting far deeper than a manifest's: refused, the stack stays small */
    size_t deep = 100000;
    char *nested = malloc(deep + 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(nested);
    strcpy(nested, "{\"run_date\": ");
    size_t head = strlen(nested);
    memset(nested + head, '[', deep);
    CU_ASSERT_EQUAL(parse_text(nested, head + deep, &listed, why, sizeof(why)), -1);
    test_contains(why, "nested too deep");
    free(nested);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_MANIFEST), KG_EXIT_INPUT);
}

/* `kigen verify <folder>` with stdout and stderr in *output; its exit status. */
static int verify(const char *folder, char **output)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line), "'%s' verify '%s' 2>&1", test_kigen_bin(), folder);
    return test_run_shell(command_line, output);
}

/* Runs script in folder; its exit status. */
static int shell(const char *script, const char *folder)
{
    char command_line[8192];
    snprintf(command_line, sizeof(command_line), "cd '%s' && %s", folder, script);
    return test_run_shell(command_line, NULL);
}

static void a_run_folder_verifies_and_every_change_is_named(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-verify-XXXXXX";
    test_make_temp_dir(dir);
    char command_line[4096], folder[2048];
    snprintf(command_line, sizeof(command_line), "'%s' -q run --date %s --out '%s' >/dev/null 2>&1",
             test_kigen_bin(), RUN_DATE, dir);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    snprintf(folder, sizeof(folder), "%s/%s", dir, RUN_DATE);

    /* the manifest lists every file of the folder but itself */
    snprintf(command_line, sizeof(command_line), "cat '%s/manifest.json'", folder);
    char *text = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &text), 0);
    for (const char *const *name =
             (const char *const[]){"\"forms.csv\"", "\"registered-mail.csv\"",
                                   "\"registered-mail.pdf\", \"pages\": ", "\"audit.xlsx\"",
                                   "\"districts.csv\"", NULL};
         *name != NULL; name++)
        test_contains(text, *name);
    free(text);
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && for f in *; do [ \"$f\" = manifest.json ] || grep -q \"\\\"name\\\": "
             "\\\"$f\\\"\" manifest.json || echo \"unlisted $f\"; done",
             folder);
    char *unlisted = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &unlisted), 0);
    CU_ASSERT_STRING_EQUAL(unlisted != NULL ? unlisted : "-", "");
    free(unlisted);

    char *output = NULL;
    CU_ASSERT_EQUAL(verify(folder, &output), 0);
    test_contains(output, ": ok, ");
    free(output);

    /* a changed byte in a print file (its size unchanged) */
    CU_ASSERT_EQUAL(shell("cp registered-mail.pdf ../keep.pdf && "
                          "printf X | dd of=registered-mail.pdf bs=1 seek=100 conv=notrunc "
                          "2>/dev/null",
                          folder),
                    0);
    CU_ASSERT_EQUAL(verify(folder, &output), 3);
    test_contains(output, "changed: registered-mail.pdf (sha256 differs)\n");
    test_contains(output, "1 problem(s): 0 missing, 1 changed, 0 extra");
    test_contains(output, "does not match its manifest.json");
    free(output);
    /* a shorter file */
    CU_ASSERT_EQUAL(shell("truncate -s 10 registered-mail.pdf", folder), 0);
    CU_ASSERT_EQUAL(verify(folder, &output), 3);
    test_contains(output, "changed: registered-mail.pdf (size 10, manifest says ");
    free(output);
    CU_ASSERT_EQUAL(shell("mv ../keep.pdf registered-mail.pdf", folder), 0);

    /* a deleted file, an added file, a temporary left by a killed write */
    CU_ASSERT_EQUAL(shell("mv forms.csv ../kept-forms.csv && echo x > notes.txt && "
                          "echo y > .audit.xlsx.tmp",
                          folder),
                    0);
    CU_ASSERT_EQUAL(verify(folder, &output), 3);
    test_contains(output, "missing: forms.csv\n");
    test_contains(output, "extra: notes.txt\n");
    test_contains(output, "extra: .audit.xlsx.tmp (a hidden file");
    test_contains(output, "3 problem(s): 1 missing, 0 changed, 2 extra");
    free(output);
    CU_ASSERT_EQUAL(shell("mv ../kept-forms.csv forms.csv && rm notes.txt "
                          ".audit.xlsx.tmp",
                          folder),
                    0);
    CU_ASSERT_EQUAL(verify(folder, &output), 0);
    free(output);

    /* a garbage manifest, a truncated one, none */
    CU_ASSERT_EQUAL(shell("cp manifest.json ../kept.json && head -c 7 /dev/urandom "
                          "> manifest.json",
                          folder),
                    0);
    CU_ASSERT_EQUAL(verify(folder, &output), 3);
    test_contains(output, "manifest.json is not kigen's");
    free(output);
    CU_ASSERT_EQUAL(shell("head -c 150 ../kept.json > manifest.json", folder), 0);
    CU_ASSERT_EQUAL(verify(folder, &output), 3);
    test_contains(output, "manifest.json is not kigen's");
    free(output);
    CU_ASSERT_EQUAL(shell("rm manifest.json", folder), 0);
    CU_ASSERT_EQUAL(verify(folder, &output), 3);
    test_contains(output, "it holds no manifest.json");
    free(output);
    CU_ASSERT_EQUAL(shell("mv ../kept.json manifest.json", folder), 0);
    CU_ASSERT_EQUAL(verify(folder, &output), 0);
    free(output);

    /* usage: --help, no folder */
    snprintf(command_line, sizeof(command_line), "'%s' verify --help", test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    test_contains(output, "usage: kigen verify DIR/YYYY-MM-DD");
    free(output);
    snprintf(command_line, sizeof(command_line), "'%s' verify 2>&1", test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 2);
    free(output);
    test_remove_dir(dir);
}

int tests_register_verify(void)
{
    static const test_case cases[] = {
        {"the_reader_takes_the_files_of_a_manifest", the_reader_takes_the_files_of_a_manifest},
        {"every_truncation_and_garbage_is_refused_without_a_crash",
         every_truncation_and_garbage_is_refused_without_a_crash},
        {"a_run_folder_verifies_and_every_change_is_named",
         a_run_folder_verifies_and_every_change_is_named},
        {NULL, NULL},
    };
    return tests_add_suite("verify", cases);
}
