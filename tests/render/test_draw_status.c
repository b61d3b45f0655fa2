/*
 * test_draw_status.c - cairo's status codes become kigen errors in one place
 * (render/draw_status.c): the code for each kind of status, and the message.
 */
#include <string.h>

#include "render/draw_status.h"
#include "test.h"

static void each_cairo_status_has_its_kigen_error(void)
{
    static const struct {
        cairo_status_t status;
        kg_err err;
    } cases[] = {
        {CAIRO_STATUS_SUCCESS, KG_OK},
        {CAIRO_STATUS_NO_MEMORY, KG_ERR_NOMEM},
        {CAIRO_STATUS_WRITE_ERROR, KG_ERR_IO_WRITE},
        {CAIRO_STATUS_INVALID_RESTORE, KG_ERR_DRAW},
        {CAIRO_STATUS_SURFACE_FINISHED, KG_ERR_DRAW},
        {CAIRO_STATUS_FONT_TYPE_MISMATCH, KG_ERR_DRAW},
    };
    for (size_t idx = 0; idx < sizeof(cases) / sizeof(cases[0]); idx++)
        CU_ASSERT_EQUAL(draw_status_error(cases[idx].status), cases[idx].err);
}

static void a_failure_says_what_was_drawn_and_what_cairo_says(void)
{
    kg_errbuf errbuf;
    memset(&errbuf, 0, sizeof(errbuf));
    CU_ASSERT_EQUAL(draw_status_fail(CAIRO_STATUS_SUCCESS, &errbuf, "notice %s", "x"), KG_OK);
    CU_ASSERT_STRING_EQUAL(errbuf.text, "");
    CU_ASSERT_EQUAL(
        draw_status_fail(CAIRO_STATUS_WRITE_ERROR, &errbuf, "notice %s", "20261201-000001"),
        KG_ERR_IO_WRITE);
    CU_ASSERT_STRING_EQUAL(errbuf.text, "notice 20261201-000001: error while writing to output "
                                        "stream");
    CU_ASSERT_EQUAL(draw_status_fail(CAIRO_STATUS_NO_MEMORY, NULL, "ignored"), KG_ERR_NOMEM);
}

int tests_register_draw_status(void)
{
    static const test_case cases[] = {
        {"each_cairo_status_has_its_kigen_error", each_cairo_status_has_its_kigen_error},
        {"a_failure_says_what_was_drawn_and_what_cairo_says",
         a_failure_says_what_was_drawn_and_what_cairo_says},
        {NULL, NULL},
    };
    return tests_add_suite("draw_status", cases);
}
