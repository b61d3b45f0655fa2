/*
 * test_filters.c - `kigen expiry`, `kigen wareki` and `kigen barcode` end to end: in-process
 * against the command functions, and through the built binary (KIGEN_BIN) on the files in
 * tests/data, with exit statuses, option errors, and flat memory on 2,000,000 lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "test.h"

typedef struct filter_run {
    kg_err err;
    long exceptions;
    char *output; /* freed by the caller */
} filter_run;

/* Runs a command function with the words of args_line as argv (split at spaces). */
static filter_run run_in_process(cmd_fn command, const char *args_line, const char *input_name)
{
    filter_run run = {KG_OK, 0, NULL};
    char words[256];
    char *argv[16];
    int argc = 0;
    snprintf(words, sizeof(words), "%s", args_line);
    for (char *word = words; *word != '\0' && argc < 15;) {
        argv[argc++] = word;
        while (*word != '\0' && *word != ' ')
            word++;
        if (*word == ' ')
            *word++ = '\0';
    }
    argv[argc] = NULL;
    char path[1024];
    FILE *in = fopen(test_data_path(input_name, path, sizeof(path)), "rb");
    CU_ASSERT_PTR_NOT_NULL(in);
    size_t size = 0;
    FILE *out = open_memstream(&run.output, &size);
    if (in == NULL || out == NULL) {
        run.err = KG_ERR_IO_READ;
    } else {
        log_sink quiet = {NULL, LOG_ERROR, 0};
        cmd_context ctx = {.log = &quiet, .conninfo = NULL, .in = in, .out = out};
        cmd_outcome outcome;
        memset(&outcome, 0, sizeof(outcome));
        run.err = command(&ctx, argc, argv, &outcome);
        run.exceptions = outcome.exceptions;
    }
    if (in != NULL)
        fclose(in);
    if (out != NULL)
        fclose(out);
    return run;
}

static void assert_output_matches(const char *output, const char *expected_name)
{
    char path[1024];
    char *expected = test_read_file(test_data_path(expected_name, path, sizeof(path)));
    CU_ASSERT_PTR_NOT_NULL_FATAL(expected);
    CU_ASSERT_PTR_NOT_NULL_FATAL(output);
    CU_ASSERT_STRING_EQUAL(output, expected);
    if (strcmp(output, expected) != 0)
        fprintf(stderr, "\n--- got ---\n%s--- expected (%s) ---\n%s", output, expected_name,
                expected);
    free(expected);
}

static void expiry_filter_gives_one_line_per_input_line(void)
{
    filter_run run = run_in_process(cmd_expiry, "expiry", "expiry_input.csv");
    CU_ASSERT_EQUAL(run.err, KG_OK);
    CU_ASSERT_EQUAL(run.exceptions, 9);
    assert_output_matches(run.output, "expiry_expected.csv");
    free(run.output);
}

static void expiry_filter_w2_option(void)
{
    filter_run run = run_in_process(cmd_expiry, "expiry --w2", "expiry_input.csv");
    CU_ASSERT_EQUAL(run.err, KG_OK);
    assert_output_matches(run.output, "expiry_expected_w2.csv");
    free(run.output);
}

static void expiry_filter_rejects_unknown_option(void)
{
    filter_run run = run_in_process(cmd_expiry, "expiry --w3", "expiry_input.csv");
    CU_ASSERT_EQUAL(run.err, KG_ERR_USAGE);
    free(run.output);
}

static void expiry_filter_rejects_header_without_required_column(void)
{
    filter_run run = run_in_process(cmd_expiry, "expiry", "wareki_input.txt");
    CU_ASSERT_EQUAL(run.err, KG_ERR_CSV_HEADER);
    CU_ASSERT_STRING_EQUAL(run.output, "");
    free(run.output);
}

static void wareki_filter_converts_and_reports_bad_lines(void)
{
    filter_run run = run_in_process(cmd_wareki, "wareki", "wareki_input.txt");
    CU_ASSERT_EQUAL(run.err, KG_OK);
    CU_ASSERT_EQUAL(run.exceptions, 7);
    assert_output_matches(run.output, "wareki_expected.txt");
    free(run.output);
}

static void binary_filters_match_expected_files_and_exit_1(void)
{
    char command_line[4096], input[1024];
    char *output = NULL;
    snprintf(command_line, sizeof(command_line), "'%s' expiry < '%s' 2>/dev/null", test_kigen_bin(),
             test_data_path("expiry_input.csv", input, sizeof(input)));
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 1); /* finished, with exceptions */
    assert_output_matches(output, "expiry_expected.csv");
    free(output);

    output = NULL;
    snprintf(command_line, sizeof(command_line), "'%s' wareki < '%s' 2>/dev/null", test_kigen_bin(),
             test_data_path("wareki_input.txt", input, sizeof(input)));
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 1);
    assert_output_matches(output, "wareki_expected.txt");
    free(output);
}

static void binary_exit_statuses(void)
{
    char command_line[4096];
    char *output = NULL;
    snprintf(command_line, sizeof(command_line),
             "printf '2019-05-01\\n2026-02-03\\n' | '%s' wareki", test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    CU_ASSERT_STRING_EQUAL(output, "令和元年5月1日\n令和8年2月3日\n");
    free(output);

    const char *const usage_errors[] = {"", "nosuchcommand", "--bogus wareki", "expiry --bogus",
                                        "wareki extra"};
    for (size_t case_idx = 0; case_idx < sizeof(usage_errors) / sizeof(usage_errors[0]);
         case_idx++) {
        output = NULL;
        snprintf(command_line, sizeof(command_line), "'%s' %s </dev/null 2>/dev/null",
                 test_kigen_bin(), usage_errors[case_idx]);
        CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 2);
        free(output);
    }

    output = NULL;
    snprintf(command_line, sizeof(command_line), "printf 'a,b\\n' | '%s' expiry 2>/dev/null",
             test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 3); /* input rejected */
    free(output);

    output = NULL;
    snprintf(command_line, sizeof(command_line),
             "printf 'type,birth_date,issued_on\\n' | '%s' expiry >/dev/full 2>/dev/null",
             test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 5); /* output could not be written */
    free(output);
}

static void barcode_filter_gives_one_line_per_record_and_reports_bad_ones(void)
{
    filter_run run = run_in_process(cmd_barcode, "barcode", "barcode_input.csv");
    CU_ASSERT_EQUAL(run.err, KG_OK);
    CU_ASSERT_EQUAL(run.exceptions, 5);
    assert_output_matches(run.output, "barcode_expected.csv");
    free(run.output);
}

static void barcode_filter_rejects_options_and_headers_without_its_columns(void)
{
    filter_run run = run_in_process(cmd_barcode, "barcode --8pt", "barcode_input.csv");
    CU_ASSERT_EQUAL(run.err, KG_ERR_USAGE);
    free(run.output);
    run = run_in_process(cmd_barcode, "barcode", "expiry_input.csv");
    CU_ASSERT_EQUAL(run.err, KG_ERR_CSV_HEADER);
    CU_ASSERT_STRING_EQUAL(run.output, "");
    free(run.output);
}

static void binary_barcode_exit_statuses(void)
{
    char command_line[4096], input[1024];
    char *output = NULL;
    snprintf(command_line, sizeof(command_line), "'%s' barcode < '%s' 2>/dev/null",
             test_kigen_bin(), test_data_path("barcode_input.csv", input, sizeof(input)));
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 1); /* finished, with exceptions */
    assert_output_matches(output, "barcode_expected.csv");
    free(output);

    output = NULL;
    snprintf(command_line, sizeof(command_line),
             "printf 'postal_code,address\n2630023,3丁目30-8 郵便ビル403号\n' | '%s' barcode",
             test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    CU_ASSERT_STRING_EQUAL(output, "data,check,bars\n26300233-30-8-403ddd,5,"
                                   "FDFDADAFDFAFTTFTTFDADFADFATFTDFAFTTTFTADFTFTFADFTTDFATDATDATD"
                                   "AFTFDF\n");
    free(output);

    output = NULL; /* a byte that is not UTF-8 is a bad record, not the end */
    snprintf(command_line, sizeof(command_line),
             "printf 'postal_code,address\n2630023,1\377\n2630023,\n' | '%s' barcode",
             test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 1);
    CU_ASSERT_STRING_EQUAL(output, "data,check,bars\nerror:address_encoding\n"
                                   "2630023ddddddddddddd,a,FDFDADAFDFAFTTFTTFDADFATDATDATDATDATDAT"
                                   "DATDATDATDATDATDATDATDADATDF\n");
    free(output);

    output = NULL;
    snprintf(command_line, sizeof(command_line),
             "printf 'postal_code,banchi\n' | '%s' barcode 2>/dev/null", test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 3); /* input rejected */
    free(output);

    output = NULL;
    snprintf(command_line, sizeof(command_line), "'%s' barcode extra </dev/null 2>/dev/null",
             test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 2);
    free(output);
}

static void binary_streams_two_million_lines_in_flat_memory(void)
{
    if (getenv("KIGEN_VALGRIND") != NULL)
        return; /* the child is not under valgrind; nothing to learn there twice */
    char path[] = "/tmp/kigen-test-stream-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *file = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    enum { LINES = 2000000 };
    fputs("type,birth_date,issued_on,card_expires,stay_expires,auth_expires,prev_expiry\n", file);
    for (long line_idx = 0; line_idx < LINES; line_idx++)
        fprintf(file, "%s,19%02ld-%02ld-%02ld,20%02ld-06-15,,,,\n", line_idx % 2 ? "sign" : "auth",
                50 + line_idx % 50, 1 + line_idx % 12, 1 + line_idx % 28, 15 + line_idx % 10);
    fclose(file);

    char command_line[4096];
    char *output = NULL;
    snprintf(command_line, sizeof(command_line),
             "'%s' expiry < '%s' | wc -l && '%s' expiry < '%s' >/dev/null", test_kigen_bin(), path,
             test_kigen_bin(), path);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    CU_ASSERT_EQUAL(output != NULL ? atol(output) : 0, LINES + 1);
    free(output);
    unlink(path);

    struct rusage usage;
    CU_ASSERT_EQUAL_FATAL(getrusage(RUSAGE_CHILDREN, &usage), 0);
    /* ~110 MB of input; a filter that kept lines would need far more than this. */
    CU_ASSERT(usage.ru_maxrss < 48 * 1024);
    if (usage.ru_maxrss >= 48 * 1024)
        fprintf(stderr, "peak RSS of the filter: %ld KiB\n", usage.ru_maxrss);
}

int tests_register_filters(void)
{
    static const test_case cases[] = {
        {"expiry_filter_gives_one_line_per_input_line",
         expiry_filter_gives_one_line_per_input_line},
        {"expiry_filter_w2_option", expiry_filter_w2_option},
        {"expiry_filter_rejects_unknown_option", expiry_filter_rejects_unknown_option},
        {"expiry_filter_rejects_header_without_required_column",
         expiry_filter_rejects_header_without_required_column},
        {"wareki_filter_converts_and_reports_bad_lines",
         wareki_filter_converts_and_reports_bad_lines},
        {"binary_filters_match_expected_files_and_exit_1",
         binary_filters_match_expected_files_and_exit_1},
        {"binary_exit_statuses", binary_exit_statuses},
        {"binary_streams_two_million_lines_in_flat_memory",
         binary_streams_two_million_lines_in_flat_memory},
        {"barcode_filter_gives_one_line_per_record_and_reports_bad_ones",
         barcode_filter_gives_one_line_per_record_and_reports_bad_ones},
        {"barcode_filter_rejects_options_and_headers_without_its_columns",
         barcode_filter_rejects_options_and_headers_without_its_columns},
        {"binary_barcode_exit_statuses", binary_barcode_exit_statuses},
        {NULL, NULL},
    };
    return tests_add_suite("filters", cases);
}
