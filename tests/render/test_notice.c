/*
 * test_notice.c - the notice template's parser (every error names file:line) and the
 * notice page: its text as poppler reads it back, fonts embedded as subsets, the IVS
 * variant printed, a character no font has refused (never a box), an address too long
 * for the window reported, and page 1 against a committed reference image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "render/notice.h"
#include "render/notice_internal.h"
#include "render/template.h"
#include "test.h"

#define REFERENCE_PNG "tests/data/notice_page1.png"
#define REFERENCE_DPI "30"

static notice_template *default_template(void)
{
    char path[1024];
    notice_template *tmpl = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(
        template_load(test_root_path("templates/notice.tmpl", path, sizeof(path)), &tmpl, &errbuf),
        KG_OK);
    return tmpl;
}

static const notice_cert sample_certs[] = {{"sign", 0, 0, "birthday"}, {"auth", 0, 0, "card"}};

static notice_data sample_notice(notice_cert *certs)
{
    certs[0] = sample_certs[0];
    certs[1] = sample_certs[1];
    certs[0].expiry = certs[1].expiry = test_date("2027-02-10");
    certs[0].window_open = certs[1].window_open = test_date("2026-11-11");
    notice_data data = {.notice_no = "20261201-000042",
                        .run_date = test_date("2026-12-01"),
                        .family_name = "佐藤",
                        .given_name = "一郎",
                        .postal_code = "2201013",
                        .address = "神奈川県架空市中央区本町",
                        .banchi = "3丁目30-8",
                        .address2 = "郵便ビル403号",
                        .office = {"架空市中央区役所 区民課", "2208501",
                                   "神奈川県架空市中央区役所前一丁目1番1号", "045-300-1111",
                                   "平日 8時45分から17時00分"},
                        .certs = certs,
                        .cert_count = 2};
    return data;
}

/* Paints the notices into a PDF at path; KG_OK or the first error. */
static kg_err paint_pdf(const char *path, const notice_data *notices, size_t count)
{
    notice_template *tmpl = default_template();
    notice_painter *painter = NULL;
    kg_errbuf errbuf;
    kg_err err = notice_painter_new(tmpl, &painter, &errbuf);
    CU_ASSERT_EQUAL_FATAL(err, KG_OK);
    cairo_surface_t *surface =
        cairo_pdf_surface_create(path, 210 * NOTICE_PT_PER_MM, 297 * NOTICE_PT_PER_MM);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                   "2026-12-01T00:00:00+09:00");
    cairo_t *cr = cairo_create(surface);
    for (size_t idx = 0; idx < count && err == KG_OK; idx++) {
        err = notice_paint(painter, cr, &notices[idx], &errbuf);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_surface_destroy(surface);
    notice_painter_free(painter);
    template_free(tmpl);
    return err;
}

/* Output of `tool_args 'pdf' after` (stderr dropped). Not inlined: GCC 12 then sees a
 * dangling pointer that is not there. */
__attribute__((noinline)) static char *shell_output(const char *tool_args, const char *pdf,
                                                    const char *after)
{
    char command_line[2048];
    snprintf(command_line, sizeof(command_line), "%s '%s' %s 2>/dev/null", tool_args, pdf, after);
    char *output = NULL;
    test_run_shell(command_line, &output);
    return output;
}

static void contains(const char *text, const char *part)
{
    CU_ASSERT_PTR_NOT_NULL(text != NULL ? strstr(text, part) : NULL);
    if (text != NULL && strstr(text, part) == NULL)
        fprintf(stderr, "\nmissing: %s\n", part);
}

static void the_default_template_loads(void)
{
    notice_template *tmpl = default_template();
    CU_ASSERT_EQUAL(tmpl->font_count, 2);
    CU_ASSERT(tmpl->element_count >= 10);
    CU_ASSERT_EQUAL(strlen(tmpl->sha256), 64);
    CU_ASSERT(tmpl->address.barcode);
    CU_ASSERT_STRING_EQUAL(tmpl->address.mark, "転送不要");
    template_free(tmpl);
}

typedef struct broken_case {
    const char *body;     /* after a valid [page], [window] and [address] (lines 1-14) */
    const char *expected; /* in the message, after the file name */
} broken_case;

static void broken_templates_name_file_and_line(void)
{
    static const char head[] = "[page]\n"
                               "width = 210\n"
                               "height = 297\n"
                               "font = /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf\n"
                               "[window]\n"
                               "x = 20\n"
                               "y = 12\n"
                               "width = 90\n"
                               "height = 45\n"
                               "tolerance = 3\n"
                               "[address]\n"
                               "holder = {name} 様\n"
                               "representative = {name} 様の法定代理人 様\n"
                               "mark = 転送不要\n";
    static const broken_case cases[] = {
        {"[text]\nx = 15\ny = 100\nwidth = 100\nheight = 10\nsize = 10\ntext = {nmae} 様\n",
         ":21: unknown placeholder"},
        {"[text]\nx = 15\ny = 100\nwidth = 100\nsize = 10\ntext = a\n",
         ":20: [text] needs x, y, width, height, size and text"},
        {"[text]\nx = 15\ny = 100\nwidth = 100\nheight = 10\nsize = 10\ncolour = red\n",
         ":21: unknown key: colour"},
        {"[txet]\n", ":15: unknown section"},
        {"[text]\nx = 15\ny = 100\nwidth = 100\nheight = 10\nsize = abc\n",
         ":20: size = 'abc': a number"},
        {"[text]\nx = 150\ny = 100\nwidth = 100\nheight = 10\nsize = 10\ntext = a\n",
         ":21: the element reaches outside the page"},
        {"[text]\nx = 15\ny = 100\nwidth = 100\nheight = 10\nsize = 10\ntext = a\n"
         "[text]\nx = 15\ny = 105\nwidth = 100\nheight = 10\nsize = 10\ntext = b\n",
         ":15: this section overlaps the section at line 22"},
        {"[text]\nx = 15\ny = 20\nwidth = 100\nheight = 10\nsize = 10\ntext = a\n",
         ":15: this section overlaps the envelope window"},
        {"[text]\nx = 15\ny = 100\nwidth = 100\nheight = 10\nsize = 10\ntext = {type}\n",
         ":21: unknown placeholder here"},
        {"[text]\nx = 15\ny = 100\nwidth = 20\nheight = 5\nsize = 10\n"
         "text = "
         "とても長い固定の文章は、その場所に収まらないので、テンプレートの誤りとして報告される\n",
         ":15: the text needs"},
        {"[table]\nx = 15\ny = 100\nsize = 10\nrow_height = 7\ncolumn = 種類 | 40\n",
         ":20: a column is `header | width | text`"},
        {"x = 1\n", ":15: unknown key in [address]"},
        /* the sheet's code (D85): its quiet zone of 4 modules on the page, clear of
         * everything (a line too), one per template, a module of 0.3 to 1 mm */
        {"[sheet_code]\nx = 1\ny = 100\n", ":17: the sheet code's quiet zone (4 modules) "
                                           "reaches outside the page"},
        {"[sheet_code]\nx = 196\ny = 100\n", ":17: the sheet code's quiet zone"},
        {"[line]\nx = 15\ny = 280\nx2 = 195\ny2 = 280\n[sheet_code]\nx = 180\ny = 274\n",
         ":15: this section overlaps the section at line 20"},
        {"[sheet_code]\nx = 180\ny = 274\n[box]\nx = 150\ny = 270\nwidth = 35\nheight = 5\n",
         ":15: this section overlaps the section at line 18"},
        {"[sheet_code]\nx = 100\ny = 100\nmodule = 2\n", ":18: module = '2'"},
        {"[sheet_code]\nx = 100\ny = 100\n[sheet_code]\n", ":18: a second [sheet_code]"},
        {"[sheet_code]\nx = 100\n", ":16: [sheet_code] needs x and y"},
        {"[sheet_code]\nx = 25\ny = 40\n", ":15: this section overlaps the envelope window"},
    };
    char path[] = "/tmp/kigen-test-template-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    for (size_t idx = 0; idx < sizeof(cases) / sizeof(cases[0]); idx++) {
        FILE *file = fopen(path, "w");
        CU_ASSERT_FATAL(file != NULL);
        fputs(head, file);
        fputs(cases[idx].body, file);
        fclose(file);
        notice_template *tmpl = NULL;
        notice_painter *painter = NULL;
        kg_errbuf errbuf;
        memset(&errbuf, 0, sizeof(errbuf));
        kg_err err = template_load(path, &tmpl, &errbuf);
        if (err == KG_OK) /* what needs the fonts is checked by the painter */
            err = notice_painter_new(tmpl, &painter, &errbuf);
        CU_ASSERT_EQUAL(err, KG_ERR_TEMPLATE);
        char expected[512];
        snprintf(expected, sizeof(expected), "%s%s", path, cases[idx].expected);
        CU_ASSERT_PTR_NOT_NULL(strstr(errbuf.text, expected));
        if (strstr(errbuf.text, expected) == NULL)
            fprintf(stderr, "\ncase %zu: got '%s', expected '%s'\n", idx, errbuf.text, expected);
        notice_painter_free(painter);
        template_free(tmpl);
    }
    unlink(path);
}

/* An empty file once reached memchr with a NULL buffer (UBSan); it is a template error on
 * line 1, in process and from `kigen template check` (the asan build aborts on UB). */
static void an_empty_template_is_an_error_on_line_one(void)
{
    static const struct {
        const char *text;
        const char *expected; /* after the file name */
    } cases[] = {
        {"", ":1: a template needs [page]"},
        {"\xEF\xBB\xBF", ":1: a template needs [page]"}, /* a BOM alone */
        {"# a comment\n\n", ":2: a template needs [page]"},
        {"[page]", ":1: [page] needs width and height"},
    };
    char path[] = "/tmp/kigen-test-template-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    for (size_t idx = 0; idx < sizeof(cases) / sizeof(cases[0]); idx++) {
        FILE *file = fopen(path, "w");
        CU_ASSERT_FATAL(file != NULL);
        fputs(cases[idx].text, file);
        fclose(file);
        char expected[512];
        snprintf(expected, sizeof(expected), "%s%s", path, cases[idx].expected);
        notice_template *tmpl = NULL;
        kg_errbuf errbuf;
        memset(&errbuf, 0, sizeof(errbuf));
        CU_ASSERT_EQUAL(template_load(path, &tmpl, &errbuf), KG_ERR_TEMPLATE);
        CU_ASSERT_PTR_NULL(tmpl);
        CU_ASSERT_STRING_EQUAL(errbuf.text, expected);
        char command_line[1024];
        snprintf(command_line, sizeof(command_line), "'%s' template check '%s' 2>&1",
                 test_kigen_bin(), path);
        char *output = NULL;
        CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 2); /* usage: broken template */
        test_contains(output, expected);
        free(output);
    }
    unlink(path);
}

/* template_parse_opt reads a text as template_load reads the file (the fuzz target's
 * entry point); without the font probe a font that is not there is listed, not refused. */
static void a_template_parses_from_memory_as_from_its_file(void)
{
    char path[1024];
    test_root_path("templates/notice.tmpl", path, sizeof(path));
    char *text = test_read_file(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    notice_template *from_file = default_template();
    notice_template *from_text = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(template_parse_opt(path, text, strlen(text), NULL, &from_text, &errbuf),
                          KG_OK);
    CU_ASSERT_STRING_EQUAL(from_text->sha256, from_file->sha256);
    CU_ASSERT_EQUAL(from_text->element_count, from_file->element_count);
    CU_ASSERT_EQUAL(from_text->font_count, from_file->font_count);
    CU_ASSERT_STRING_EQUAL(from_text->fonts[0], from_file->fonts[0]);
    template_free(from_text);
    template_free(from_file);
    free(text);

    static const char no_font[] = "[page]\nwidth = 210\nheight = 297\nfont = fonts/none.ttf\n";
    memset(&errbuf, 0, sizeof(errbuf));
    CU_ASSERT_EQUAL(
        template_parse_opt("/t/a.tmpl", no_font, sizeof(no_font) - 1, NULL, &from_text, &errbuf),
        KG_ERR_TEMPLATE);
    CU_ASSERT_STRING_EQUAL(errbuf.text,
                           "/t/a.tmpl:4: font file cannot be opened: /t/fonts/none.ttf");
    template_parse_options options = {.no_font_probe = true};
    CU_ASSERT_EQUAL_FATAL(template_parse_opt("/t/a.tmpl", no_font, sizeof(no_font) - 1, &options,
                                             &from_text, &errbuf),
                          KG_OK);
    CU_ASSERT_STRING_EQUAL(from_text->fonts[0], "/t/fonts/none.ttf");
    template_free(from_text);
    CU_ASSERT_EQUAL(template_parse_opt("/t/empty.tmpl", NULL, 0, &options, &from_text, &errbuf),
                    KG_ERR_TEMPLATE);
    CU_ASSERT_STRING_EQUAL(errbuf.text, "/t/empty.tmpl:1: a template needs [page]");
}

static void an_address_block_taller_than_the_window_is_refused(void)
{
    char path[] = "/tmp/kigen-test-template-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    static const char text[] = "[page]\nwidth = 210\nheight = 297\n"
                               "font = /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf\n"
                               "[window]\nx = 20\ny = 12\nwidth = 90\nheight = 30\n"
                               "[address]\nlines = 4\nholder = {name} 様\n"
                               "representative = {name}の法定代理人　様\n";
    CU_ASSERT_EQUAL(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
    close(fd);
    notice_template *tmpl = NULL;
    notice_painter *painter = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(template_load(path, &tmpl, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(notice_painter_new(tmpl, &painter, &errbuf), KG_ERR_TEMPLATE);
    CU_ASSERT_PTR_NOT_NULL(strstr(errbuf.text, "the address block needs"));
    notice_painter_free(painter);
    template_free(tmpl);
    unlink(path);
}

static void a_notice_page_holds_name_dates_and_number(void)
{
    char pdf[] = "/tmp/kigen-test-notice-XXXXXX";
    int fd = mkstemp(pdf);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    notice_cert certs[2], child_certs[2];
    notice_data notices[2] = {sample_notice(certs), sample_notice(child_certs)};
    notices[1].notice_no = "20261201-000043";
    notices[1].family_name = "山田";
    notices[1].given_name = "花子";
    notices[1].to_representative = true;
    CU_ASSERT_EQUAL_FATAL(paint_pdf(pdf, notices, 2), KG_OK);
    char *text = shell_output("pdftotext -f 1 -l 1", pdf, "-");
    contains(text, "佐藤"); /* pdftotext splits the name at its ideographic space */
    contains(text, "一郎"); /* and 様, after the ideographic space (pdftotext splits there) */
    contains(text, "様");
    contains(text, "〒220-1013");
    /* two lines: the building and room start a line of their own rather than breaking */
    contains(text, "神奈川県架空市中央区本町3丁目30-8\n郵便ビル403号\n");
    contains(text, "転送不要");
    contains(text, "令和9年2月10日");               /* the expiry in 和暦 */
    contains(text, "現在、更新の手続きができます"); /* run date after the window opened */
    contains(text, "20261201-000042");
    contains(text, "署名用電子証明書");
    contains(text, "カードの更新"); /* a certificate expires with the card */
    contains(text, "暗証番号");
    CU_ASSERT_PTR_NULL(text != NULL ? strstr(text, "法定代理人") : "");
    free(text);
    text = shell_output("pdftotext -f 2 -l 2", pdf, "-");
    contains(text, "山田");
    contains(text, "花子の法定代理人"); /* one 様, for the representative (D82) */
    CU_ASSERT_PTR_NULL(text != NULL ? strstr(text, "花子 様") : "");
    CU_ASSERT_PTR_NULL(text != NULL ? strstr(text, "様の法定代理人") : "");
    contains(text, "20261201-000043");
    free(text);
    char *fonts = shell_output("pdffonts", pdf, "");
    contains(fonts, "IPAexMincho");
    /* every font embedded (emb yes), subset (sub yes) with a ToUnicode map (uni yes); the
     * customer barcode's bars are strokes, no font (no Type 3: D84) */
    CU_ASSERT_PTR_NULL(fonts != NULL ? strstr(fonts, "Type 3") : "");
    int lines = 0;
    for (const char *line = fonts != NULL ? strstr(fonts, "\n---") : NULL; line != NULL;
         line = strchr(line + 1, '\n')) {
        if (line[1] == '\0' || line[1] == '-')
            continue;
        const char *end = strchr(line + 1, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        char row[256];
        snprintf(row, sizeof(row), "%.*s", (int)(len < 255 ? len : 255), line);
        lines++;
        CU_ASSERT_PTR_NOT_NULL(strstr(row, "yes yes yes"));
        CU_ASSERT_PTR_NOT_NULL(strstr(row, "+IPA")); /* subset tag, an IPA font */
    }
    CU_ASSERT(lines >= 1);
    free(fonts);
    char *info = shell_output("pdfinfo", pdf, "");
    long page_count = 0;
    if (info != NULL && strstr(info, "Pages:") != NULL)
        page_count = strtol(strstr(info, "Pages:") + 6, NULL, 10);
    CU_ASSERT_EQUAL(page_count, 2);
    free(info);
    unlink(pdf);
}

/* The name area of page 1 of pdf as gray pixels, via pdftoppm into png. */
static cairo_surface_t *name_crop(const char *pdf, const char *png_base)
{
    char command_line[2048], png[1100];
    /* the name line: window (20, 12) + tolerance 3, below 4 lines of 10 pt */
    snprintf(command_line, sizeof(command_line),
             "pdftoppm -r 150 -gray -singlefile -f 1 -l 1 -x 130 -y 200 -W 300 -H 60 -png '%s' "
             "'%s'",
             pdf, png_base);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    snprintf(png, sizeof(png), "%s.png", png_base);
    cairo_surface_t *image = cairo_image_surface_create_from_png(png);
    unlink(png);
    return image;
}

static long differing_pixels(cairo_surface_t *one, cairo_surface_t *two, int threshold)
{
    if (cairo_surface_status(one) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_status(two) != CAIRO_STATUS_SUCCESS)
        return -1;
    cairo_surface_t *images[2] = {one, two};
    cairo_surface_t *argb[2];
    for (int idx = 0; idx < 2; idx++) { /* whatever format the PNG had: ARGB32 */
        int width = cairo_image_surface_get_width(images[idx]);
        int height = cairo_image_surface_get_height(images[idx]);
        argb[idx] = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
        cairo_t *cr = cairo_create(argb[idx]);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_set_source_surface(cr, images[idx], 0, 0);
        cairo_paint(cr);
        cairo_destroy(cr);
        cairo_surface_flush(argb[idx]);
    }
    long differ = -1;
    int width = cairo_image_surface_get_width(argb[0]);
    int height = cairo_image_surface_get_height(argb[0]);
    if (width == cairo_image_surface_get_width(argb[1]) &&
        height == cairo_image_surface_get_height(argb[1])) {
        differ = 0;
        for (int row = 0; row < height; row++) {
            const unsigned char *a = cairo_image_surface_get_data(argb[0]) +
                                     (size_t)row * (size_t)cairo_image_surface_get_stride(argb[0]);
            const unsigned char *b = cairo_image_surface_get_data(argb[1]) +
                                     (size_t)row * (size_t)cairo_image_surface_get_stride(argb[1]);
            for (int col = 0; col < width * 4; col += 4)
                differ += abs((int)a[col + 1] - (int)b[col + 1]) > threshold;
        }
    }
    cairo_surface_destroy(argb[0]);
    cairo_surface_destroy(argb[1]);
    return differ;
}

static void an_ivs_name_prints_its_variant_glyph(void)
{
    char plain[] = "/tmp/kigen-test-notice-XXXXXX", variant[] = "/tmp/kigen-test-notice-XXXXXX";
    close(mkstemp(plain));
    close(mkstemp(variant));
    notice_cert certs[2];
    notice_data data = sample_notice(certs);
    data.family_name = "葛城";
    CU_ASSERT_EQUAL_FATAL(paint_pdf(plain, &data, 1), KG_OK);
    data.family_name = "葛\xF3\xA0\x84\x80城"; /* 葛 + U+E0100 */
    CU_ASSERT_EQUAL_FATAL(paint_pdf(variant, &data, 1), KG_OK);
    cairo_surface_t *one = name_crop(plain, plain), *two = name_crop(variant, variant);
    long differ = differing_pixels(one, two, 64);
    /* the same text position, a different glyph for 葛: some pixels differ, not all */
    CU_ASSERT(differ > 20);
    CU_ASSERT(differ < 60 * 300 / 4);
    cairo_surface_destroy(one);
    cairo_surface_destroy(two);
    /* and the selector does not print as a glyph of its own: the name reads back whole */
    char *text = shell_output("pdftotext -f 1 -l 1", variant, "-");
    contains(text, "葛");
    free(text);
    unlink(plain);
    unlink(variant);
}

static void a_character_no_font_has_is_refused_never_a_box(void)
{
    notice_template *tmpl = default_template();
    notice_painter *painter = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(notice_painter_new(tmpl, &painter, &errbuf), KG_OK);
    uint32_t code_point = 0;
    size_t offset = 0;
    static const char unknown[] = "\xF0\xB0\x80\x80"; /* U+30000, CJK extension G */
    CU_ASSERT(text_find_missing(notice_painter_fonts(painter), unknown, 4, &code_point, &offset));
    CU_ASSERT_EQUAL(code_point, 0x30000);
    notice_cert certs[2];
    notice_data data = sample_notice(certs);
    data.given_name = "\xF0\xB0\x80\x80";
    cairo_surface_t *surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *cr = cairo_create(surface);
    CU_ASSERT_EQUAL(notice_paint(painter, cr, &data, &errbuf), KG_ERR_LAYOUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(errbuf.text, "U+30000"));
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    notice_painter_free(painter);
    template_free(tmpl);
}

static void an_address_too_long_for_the_window_is_reported(void)
{
    notice_template *tmpl = default_template();
    notice_painter *painter = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(notice_painter_new(tmpl, &painter, &errbuf), KG_OK);
    notice_cert certs[2];
    notice_data data = sample_notice(certs);
    char problem[160];
    CU_ASSERT(notice_address_fits(painter, &data, problem, sizeof(problem)));
    data.address2 = "架空市中央区本町三丁目とても長い名前の共同住宅管理組合事務所気付"
                    "第二十三号棟北側別館東側入口から入って右手奥の部屋四〇三号室";
    CU_ASSERT_FALSE(notice_address_fits(painter, &data, problem, sizeof(problem)));
    CU_ASSERT_PTR_NOT_NULL(strstr(problem, "the address does not fit the envelope window"));
    data = sample_notice(certs);
    data.family_name = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末";
    data.given_name = "食う寝る処に住む処藪ら柑子の藪柑子";
    CU_ASSERT_FALSE(notice_address_fits(painter, &data, problem, sizeof(problem)));
    CU_ASSERT_PTR_NOT_NULL(strstr(problem, "the name line does not fit"));
    /* a long name that fits once shrunk is printed smaller, not refused */
    data.family_name = "長谷川部小左衛門";
    data.given_name = "与三郎右衛門之助";
    CU_ASSERT(notice_address_fits(painter, &data, problem, sizeof(problem)));
    notice_painter_free(painter);
    template_free(tmpl);
}

/* Page 1 against tests/data/notice_page1.png: the layout changes only on purpose.
 * KIGEN_UPDATE_REFERENCE=1 rewrites the reference (look at it before committing). */
static void page_one_matches_the_reference_image(void)
{
    char pdf[] = "/tmp/kigen-test-notice-XXXXXX";
    close(mkstemp(pdf));
    notice_cert certs[2];
    notice_data data = sample_notice(certs);
    data.envelope = data.notice_no; /* the sheet's code, bottom right (D85) */
    data.sheet = 1;
    data.sheets = 2;
    CU_ASSERT_EQUAL_FATAL(paint_pdf(pdf, &data, 1), KG_OK);
    char base[1100], png[1200], reference[1024], command_line[4096];
    snprintf(base, sizeof(base), "%s-page", pdf);
    snprintf(png, sizeof(png), "%s.png", base);
    snprintf(command_line, sizeof(command_line),
             "pdftoppm -r " REFERENCE_DPI " -gray -singlefile -f 1 -l 1 -png '%s' '%s'", pdf, base);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    test_root_path(REFERENCE_PNG, reference, sizeof(reference));
    if (getenv("KIGEN_UPDATE_REFERENCE") != NULL) {
        snprintf(command_line, sizeof(command_line), "cp '%s' '%s'", png, reference);
        CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    }
    cairo_surface_t *got = cairo_image_surface_create_from_png(png);
    cairo_surface_t *want = cairo_image_surface_create_from_png(reference);
    long differ = differing_pixels(got, want, 96);
    int pixels = cairo_image_surface_get_width(want) * cairo_image_surface_get_height(want);
    /* anti-aliasing may move a little between poppler versions; a moved block does not */
    CU_ASSERT(differ >= 0 && differ * 200 < pixels);
    if (differ < 0 || differ * 200 >= pixels)
        fprintf(stderr, "\npage 1 differs from %s in %ld of %d pixels (see %s)\n", reference,
                differ, pixels, png);
    else
        unlink(png);
    cairo_surface_destroy(got);
    cairo_surface_destroy(want);
    unlink(pdf);
}

/* Where text has an ASCII space between two non-ASCII characters, or between a placeholder
 * and a non-ASCII character: its offset, else -1. */
static long japanese_space_at(const char *text)
{
    if (text[0] == '\0') /* the loop starts at the second byte */
        return -1;
    for (size_t idx = 1; text[idx] != '\0'; idx++) {
        if (text[idx] != ' ')
            continue;
        unsigned char before = (unsigned char)text[idx - 1], after = (unsigned char)text[idx + 1];
        bool wide_before = before >= 0x80 || before == '}';
        bool wide_after = after >= 0x80 || after == '{';
        if (wide_before && wide_after && !(before == '}' && after == '{'))
            return (long)idx;
    }
    return -1;
}

static void no_japanese_space(const char *file, const char *what, const char *text)
{
    long at = text != NULL ? japanese_space_at(text) : -1;
    CU_ASSERT_EQUAL(at, -1);
    if (at >= 0)
        fprintf(stderr, "\n%s: a half-width space in %s at byte %ld: %s\n", file, what, at, text);
}

/* A text as written and as printed with sample data (row: the first certificate). */
static void check_text(const char *file, const notice_template *tmpl, const char *text,
                       bool row_text, const notice_data *data)
{
    no_japanese_space(file, "the template's text", text);
    strbuf out;
    strbuf_init(&out, 1 << 16);
    CU_ASSERT_EQUAL(notice_expand(text, tmpl, data, row_text ? &data->certs[0] : NULL, &out),
                    KG_OK);
    no_japanese_space(file, "the printed text", strbuf_cstr(&out));
    strbuf_free(&out);
}

/* Every template: no ASCII space inside Japanese text, as written or as printed (names use
 * the ideographic space; docs/decisions.md D82). */
static void templates_have_no_half_width_space_in_japanese_text(void)
{
    static const char *const files[] = {"templates/notice.tmpl", "templates/enclosure.tmpl",
                                        "templates/inquiry.tmpl"};
    notice_cert certs[2];
    notice_data data = sample_notice(certs);
    data.form = (notice_form){"7K3QW9XMPR52", "renew", "鈴木　次郎", test_date("2026-11-20"),
                              test_date("2027-02-10")};
    data.office.name =
        "架空市中央区役所　区民課"; /* the data's own spaces are not the template's */
    for (size_t idx = 0; idx < sizeof(files) / sizeof(files[0]); idx++) {
        char path[1024];
        notice_template *tmpl = NULL;
        kg_errbuf errbuf;
        CU_ASSERT_EQUAL_FATAL(
            template_load(test_root_path(files[idx], path, sizeof(path)), &tmpl, &errbuf), KG_OK);
        for (int minor = 0; minor < 2; minor++) {
            for (int open = 0; open < 2; open++) {
                data.to_representative = minor;
                data.run_date = test_date(open ? "2026-12-01" : "2026-11-01");
                const char *singles[] = {tmpl->address.holder, tmpl->address.representative,
                                         tmpl->address.mark, tmpl->window_opens,
                                         tmpl->window_is_open};
                for (size_t one = 0; one < sizeof(singles) / sizeof(singles[0]); one++)
                    if (singles[one] != NULL)
                        check_text(files[idx], tmpl, singles[one], one >= 3, &data);
                for (size_t el = 0; el < tmpl->element_count; el++) {
                    const template_element *element = &tmpl->elements[el];
                    if (element->text != NULL)
                        check_text(files[idx], tmpl, element->text, false, &data);
                    for (size_t col = 0; col < element->column_count; col++) {
                        check_text(files[idx], tmpl, element->columns[col].header, false, &data);
                        check_text(files[idx], tmpl, element->columns[col].text, true, &data);
                    }
                }
            }
        }
        template_free(tmpl);
    }
}

/* {window}: the start date before the window opens; once it is open on the run date (a
 * catch-up night) the template's window_is_open, in the table and in a text. */
static void the_window_prints_its_date_or_open_now(void)
{
    notice_cert certs[2];
    notice_data data = sample_notice(certs); /* window opens 2026-11-11 */
    notice_template *tmpl = default_template();
    strbuf out;
    strbuf_init(&out, 4096);
    data.run_date = test_date("2026-11-10");
    CU_ASSERT_EQUAL(notice_expand("{window}", tmpl, &data, &certs[0], &out), KG_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_cstr(&out), "令和8年11月11日から");
    data.run_date = test_date("2026-11-11"); /* opens today: open */
    CU_ASSERT_EQUAL(notice_expand("{window}", tmpl, &data, &certs[0], &out), KG_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_cstr(&out), "現在、更新の手続きができます");
    data.run_date = test_date("2026-11-10");
    certs[1].window_open = test_date("2026-11-01"); /* a text: the earliest window */
    CU_ASSERT_EQUAL(notice_expand("{window}", tmpl, &data, NULL, &out), KG_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_cstr(&out), "現在、更新の手続きができます");
    CU_ASSERT_EQUAL(notice_expand("{window}", tmpl, &data, &certs[0], &out), KG_OK);
    CU_ASSERT_STRING_EQUAL(strbuf_cstr(&out), "令和8年11月11日から");
    strbuf_free(&out);
    template_free(tmpl);

    char pdf[] = "/tmp/kigen-test-window-XXXXXX";
    int fd = mkstemp(pdf);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    notice_cert late_certs[2], early_certs[2];
    notice_data notices[2] = {sample_notice(late_certs), sample_notice(early_certs)};
    notices[1].run_date = test_date("2026-11-01"); /* before the window: the date */
    CU_ASSERT_EQUAL_FATAL(paint_pdf(pdf, notices, 2), KG_OK);
    char *text = shell_output("pdftotext -f 1 -l 1", pdf, "-");
    contains(text, "現在、更新の手続きができます");
    CU_ASSERT_PTR_NULL(text != NULL ? strstr(text, "令和8年11月11日から") : "");
    free(text);
    text = shell_output("pdftotext -f 2 -l 2", pdf, "-");
    contains(text, "令和8年11月11日から");
    CU_ASSERT_PTR_NULL(text != NULL ? strstr(text, "現在、更新の手続きができます") : "");
    free(text);
    unlink(pdf);
}

int tests_register_notice(void)
{
    static const test_case cases[] = {
        {"the_default_template_loads", the_default_template_loads},
        {"broken_templates_name_file_and_line", broken_templates_name_file_and_line},
        {"an_empty_template_is_an_error_on_line_one", an_empty_template_is_an_error_on_line_one},
        {"a_template_parses_from_memory_as_from_its_file",
         a_template_parses_from_memory_as_from_its_file},
        {"an_address_block_taller_than_the_window_is_refused",
         an_address_block_taller_than_the_window_is_refused},
        {"a_notice_page_holds_name_dates_and_number", a_notice_page_holds_name_dates_and_number},
        {"an_ivs_name_prints_its_variant_glyph", an_ivs_name_prints_its_variant_glyph},
        {"a_character_no_font_has_is_refused_never_a_box",
         a_character_no_font_has_is_refused_never_a_box},
        {"an_address_too_long_for_the_window_is_reported",
         an_address_too_long_for_the_window_is_reported},
        {"page_one_matches_the_reference_image", page_one_matches_the_reference_image},
        {"templates_have_no_half_width_space_in_japanese_text",
         templates_have_no_half_width_space_in_japanese_text},
        {"the_window_prints_its_date_or_open_now", the_window_prints_its_date_or_open_now},
        {NULL, NULL},
    };
    return tests_add_suite("notice", cases);
}
