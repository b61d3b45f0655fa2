/*
 * fuzz_template.c - fuzz target of the notice template's parser (render/template.c):
 * bytes as a template's text, through template_parse_opt as `kigen template check` reads a
 * file, without opening the fonts it names (the painter, which loads them, is not fuzzed).
 *
 * Invariants: an error is KG_ERR_TEMPLATE (or KG_ERR_NOMEM) with a message that starts
 * with the file's name, and no template comes with it; a template that loads has a page,
 * a font, at most 200 sections, each inside the page, and its sha256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "render/template.h"

#define FUZZ_PATH "fuzz/input.tmpl"

void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz invariant broken: %s\n", what);
    abort();
}

static void check_template(const notice_template *tmpl)
{
    if (tmpl->page_width <= 0 || tmpl->page_height <= 0 || tmpl->font_count == 0 ||
        tmpl->font_count > TEXT_MAX_FONTS || tmpl->element_count > 200 ||
        strlen(tmpl->sha256) != 64)
        fuzz_fail("a loaded template has a page, 1 to 8 fonts, at most 200 sections and a hash");
    if (tmpl->address.mark == NULL)
        fuzz_fail("a loaded template has its mark (empty for none)");
    if (tmpl->has_address && (tmpl->address.holder == NULL || tmpl->address.representative == NULL))
        fuzz_fail("an address block has its name lines");
    for (size_t idx = 0; idx < tmpl->element_count; idx++) {
        const template_element *element = &tmpl->elements[idx];
        if (element->x < 0 || element->y < 0 || element->x > tmpl->page_width ||
            element->y > tmpl->page_height || element->line < 1)
            fuzz_fail("a section starts inside the page");
        if (element->kind == TEMPLATE_TEXT && element->text == NULL)
            fuzz_fail("a text section has its text");
        if (element->column_count > TEMPLATE_MAX_COLUMNS)
            fuzz_fail("a table has at most 8 columns");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    template_parse_options options = {.no_font_probe = true};
    notice_template *tmpl = NULL;
    kg_errbuf errbuf;
    errbuf.text[0] = '\0';
    kg_err err = template_parse_opt(FUZZ_PATH, (const char *)data, size, &options, &tmpl, &errbuf);
    if (err == KG_OK) {
        if (tmpl == NULL)
            fuzz_fail("KG_OK comes with a template");
        check_template(tmpl);
    } else {
        if (tmpl != NULL)
            fuzz_fail("an error comes without a template");
        if (err != KG_ERR_TEMPLATE && err != KG_ERR_NOMEM)
            fuzz_fail("a template error is KG_ERR_TEMPLATE");
        if (strncmp(errbuf.text, FUZZ_PATH, strlen(FUZZ_PATH)) != 0)
            fuzz_fail("a template error starts with the file's name");
    }
    template_free(tmpl);
    return 0;
}
