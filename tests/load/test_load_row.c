/*
 * test_load_row.c - an extract file's records to COPY lines without the database: columns
 * found by header name in any order, normalised values, the reasons of bad records with
 * their column, and a header that lacks a required column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "load/load_row.h"
#include "load/load_spec.h"
#include "test.h"

static const load_file_spec *spec_named(const char *file_name)
{
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count; spec_idx++)
        if (strcmp(load_file_specs[spec_idx].file_name, file_name) == 0)
            return &load_file_specs[spec_idx];
    CU_FAIL_FATAL("no such spec");
    return NULL;
}

/* Every record of text as "line|column: reason" or "line|<COPY line>", one per line. */
static char *lines_of(const char *file_name, const char *text, int cp932)
{
    const load_file_spec *spec = spec_named(file_name);
    FILE *stream = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(stream);
    csv_reader *reader = NULL;
    load_decoder *decoder = NULL;
    CU_ASSERT_EQUAL_FATAL(csv_reader_new(stream, NULL, &reader), KG_OK);
    CU_ASSERT_EQUAL_FATAL(load_decoder_new(cp932, &decoder), KG_OK);
    strbuf result, line;
    strbuf_init(&result, 65536);
    strbuf_init(&line, 65536);
    csv_record record;
    size_t positions[64];
    kg_errbuf errbuf;
    memset(&errbuf, 0, sizeof(errbuf));
    CU_ASSERT_EQUAL_FATAL(csv_read(reader, &record), KG_OK);
    if (load_row_map_header(spec, &record, decoder, positions, &errbuf) != KG_OK) {
        strbuf_append_str(&result, errbuf.text);
    } else {
        size_t header_fields = record.field_count;
        while (csv_read(reader, &record) == KG_OK) {
            if (load_row_is_blank(&record))
                continue;
            char number[32];
            snprintf(number, sizeof(number), "%ld|", record.line);
            strbuf_append_str(&result, number);
            load_reason reason_buf;
            const char *column = NULL;
            const char *reason = load_row_line(spec, &record, positions, header_fields, decoder,
                                               &line, &reason_buf, &column);
            if (reason == NULL) {
                strbuf_append(&result, line.data, line.len);
            } else {
                strbuf_append_str(&result, column);
                strbuf_append_str(&result, ": ");
                strbuf_append_str(&result, reason);
                strbuf_append_char(&result, '\n');
            }
        }
    }
    char *copy = strdup(strbuf_cstr(&result) != NULL ? result.data : "");
    strbuf_free(&result);
    strbuf_free(&line);
    load_decoder_free(decoder);
    csv_reader_free(reader);
    fclose(stream);
    return copy;
}

static void records_become_copy_lines_in_spec_order(void)
{
    char *got = lines_of("proxy_requests.csv",
                         "proxy_name,kind,request_id,resident_id,received_on,extra\n"
                         "佐藤 花子,renew,7,9001,2026-11-20,x\n"
                         "\n"
                         "\"A, \"\"B\"\"\",issue,8,9001,2026-11-21,\n"
                         "c,unlock,9,9001,2026-02-30,\n"
                         "d\xEF\xBF\xBF,unlock,10,9001,2026-11-21,\n"
                         "e,unlock,11,9001,2026-11-21,,\n"
                         "\"f,unlock,12\n",
                         0);
    CU_ASSERT_STRING_EQUAL(got, "2|2,7,9001,renew,2026-11-20,\"佐藤 花子\"\n"
                                "4|4,8,9001,issue,2026-11-21,\"A, \"\"B\"\"\"\n"
                                "5|received_on: no such day\n"
                                "6|proxy_name: noncharacter U+FFFF (character 2)\n"
                                "7|(record): more fields than the header\n"
                                "8|(record): input ends inside a quoted field\n");
    free(got);
}

static void cp932_records_meet_the_same_checks(void)
{
    char *got = lines_of("offices.csv",
                         "office_code,name,postal_code\n"
                         "K01,\x92\x86\x89\x9B,220-8501\n"
                         "K02,\x92\x86\t,\n"
                         "K03,\x82\x20,\n",
                         1);
    CU_ASSERT_STRING_EQUAL(got, "2|2,K01,\"中央\",2208501,\"\",\"\",\"\"\n"
                                "3|name: control character U+0009 (character 2)\n"
                                "4|name: not valid CP932\n");
    free(got);
}

static void a_header_without_a_required_column_is_refused(void)
{
    char *got = lines_of("cards.csv", "card_id,resident_id,issued_on\n1,2,2020-01-01\n", 0);
    CU_ASSERT_STRING_EQUAL(got, "unable to load 'cards.csv': the header has no column "
                                "'expires_on'");
    free(got);
}

int tests_register_load_row(void)
{
    static const test_case cases[] = {
        {"records_become_copy_lines_in_spec_order", records_become_copy_lines_in_spec_order},
        {"cp932_records_meet_the_same_checks", cp932_records_meet_the_same_checks},
        {"a_header_without_a_required_column_is_refused",
         a_header_without_a_required_column_is_refused},
        {NULL, NULL},
    };
    return tests_add_suite("load_row", cases);
}
