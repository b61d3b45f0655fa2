/*
 * test_notice_barcode.c - the customer barcode as the notice prints it: a page painted
 * with templates/notice.tmpl, rasterised by poppler (pdftoppm, 600 dpi), its bars read
 * back from the pixels zone by zone and compared with barcode_encode's symbol; the bars
 * add nothing to the page's text (pdftotext); no bars when the postal code has none.
 * Whatever way the painter draws the bars, this is what the letter carries. And the bars
 * (the customer barcode, the form's Code 128) are no font: pdffonts lists only the
 * template's IPA fonts, embedded subsets with a ToUnicode map (D84).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "render/barcode.h"
#include "render/bars.h"
#include "render/notice.h"
#include "test.h"

#define DPI 600
#define DARK 128      /* gray levels below this are ink */
#define MIN_BAR_PX 10 /* a bar is 0.6 mm: 14 px at 600 dpi */
#define MAX_BAR_PX 18

static notice_template *tmpl, *enclosure_tmpl;
static notice_painter *painter, *enclosure_painter;

static int suite_init(void)
{
    char path[4096];
    kg_errbuf errbuf = {{0}, {0}};
    char enclosure_path[4096];
    if (template_load(test_root_path("templates/notice.tmpl", path, sizeof(path)), &tmpl,
                      &errbuf) != KG_OK ||
        notice_painter_new(tmpl, &painter, &errbuf) != KG_OK ||
        template_load(
            test_root_path("templates/enclosure.tmpl", enclosure_path, sizeof(enclosure_path)),
            &enclosure_tmpl, &errbuf) != KG_OK ||
        notice_painter_new(enclosure_tmpl, &enclosure_painter, &errbuf) != KG_OK) {
        fprintf(stderr, "notice_barcode suite: %s\n", errbuf.text);
        return 1;
    }
    return 0;
}

static int suite_cleanup(void)
{
    notice_painter_free(painter);
    template_free(tmpl);
    notice_painter_free(enclosure_painter);
    template_free(enclosure_tmpl);
    painter = enclosure_painter = NULL;
    tmpl = enclosure_tmpl = NULL;
    cairo_debug_reset_static_data();
    return 0;
}

/* A grayscale raster: width x height bytes, row by row. */
typedef struct raster {
    char *file; /* the whole PGM file */
    const unsigned char *pixels;
    int width, height;
} raster;

static int dark(const raster *image, int column, int row)
{
    return image->pixels[(size_t)row * (size_t)image->width + (size_t)column] < DARK;
}

/* "P5\n<width> <height>\n255\n", then the pixels: true when the header is the size
 * asked for; pixels then points past it. */
static bool parse_pgm(raster *image)
{
    const char *pos = image->file;
    if (strncmp(pos, "P5", 2) != 0)
        return false;
    char *end = NULL;
    long width = strtol(pos + 2, &end, 10);
    long height = strtol(end, &end, 10);
    long depth = strtol(end, &end, 10);
    if (width != image->width || height != image->height || depth != 255 || *end != '\n')
        return false;
    image->pixels = (const unsigned char *)end + 1;
    return true;
}

/* Paints one notice for postal_code and banchi into dir/notice.pdf and rasterises the
 * envelope window at DPI into image; 0 on success. The PDF's text goes to *text. */
static int paint_window(const char *dir, const char *postal_code, const char *banchi, raster *image,
                        char **text)
{
    char pdf_path[128], pgm_root[128], pgm_path[160], command[512];
    snprintf(pdf_path, sizeof(pdf_path), "%s/notice.pdf", dir);
    snprintf(pgm_root, sizeof(pgm_root), "%s/window", dir);
    static const notice_cert cert = {"sign", 0, 0, "birthday"};
    notice_data data = {.notice_no = "20270215-000001",
                        .run_date = test_date("2027-02-15"),
                        .family_name = "山田",
                        .given_name = "花子",
                        .postal_code = postal_code,
                        .address = "千葉県千葉市美浜区",
                        .banchi = banchi,
                        .address2 = "",
                        .office = {"美浜区役所", "2610011", "千葉県千葉市美浜区真砂5-15-1",
                                   "043-270-3111", "平日 8時30分から17時30分"},
                        .certs = &cert,
                        .cert_count = 1};
    cairo_surface_t *surface = cairo_pdf_surface_create(
        pdf_path, tmpl->page_width * NOTICE_PT_PER_MM, tmpl->page_height * NOTICE_PT_PER_MM);
    cairo_t *cr = cairo_create(surface);
    kg_errbuf errbuf = {{0}, {0}};
    kg_err err = notice_paint(painter, cr, &data, &errbuf);
    if (err != KG_OK)
        fprintf(stderr, "\nnotice_paint: %s\n", errbuf.text);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    int status = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS && err == KG_OK ? 0 : -1;
    cairo_surface_destroy(surface);

    const template_window *win = &tmpl->window;
    double px_per_mm = DPI / 25.4;
    image->width = (int)(win->width * px_per_mm);
    image->height = (int)(win->height * px_per_mm);
    snprintf(command, sizeof(command),
             "pdftoppm -r %d -gray -singlefile -x %d -y %d -W %d -H %d '%s' '%s'", DPI,
             (int)(win->x * px_per_mm), (int)(win->y * px_per_mm), image->width, image->height,
             pdf_path, pgm_root);
    if (status == 0 && test_run_shell(command, NULL) != 0)
        status = -1;
    snprintf(pgm_path, sizeof(pgm_path), "%s.pgm", pgm_root);
    image->file = status == 0 ? test_read_file(pgm_path) : NULL;
    if (image->file == NULL || !parse_pgm(image))
        status = -1;
    snprintf(command, sizeof(command), "pdftotext -enc UTF-8 '%s' -", pdf_path);
    if (status == 0 && test_run_shell(command, text) != 0)
        status = -1;
    unlink(pgm_path);
    unlink(pdf_path);
    return status;
}

/* The runs of ink along one row: their centres into centres (up to cap), widths checked;
 * returns how many runs, or -1 when a run is not bar-wide. */
static int row_bars(const raster *image, int row, int *centres, int cap)
{
    int count = 0;
    for (int column = 0; column < image->width;) {
        if (!dark(image, column, row)) {
            column++;
            continue;
        }
        int start = column;
        while (column < image->width && dark(image, column, row))
            column++;
        if (column - start < MIN_BAR_PX || column - start > MAX_BAR_PX)
            return -1;
        if (count < cap)
            centres[count] = (start + column) / 2;
        count++;
    }
    return count;
}

/* Reads the bars: the rows crossed by exactly 67 bars are the timing zone; each bar is
 * then followed up and down its centre column. F/A/D/T into bars[68]; the number of
 * timing-zone rows found is returned (0: no barcode). */
static int read_bars(const raster *image, char *bars)
{
    int centres[BARCODE_BAR_COUNT];
    int first = -1, last = -1;
    for (int row = 0; row < image->height; row++)
        if (row_bars(image, row, centres, BARCODE_BAR_COUNT) == BARCODE_BAR_COUNT) {
            first = first < 0 ? row : first;
            last = row;
        }
    bars[0] = '\0';
    if (first < 0)
        return 0;
    int middle = (first + last) / 2, zone = last - first + 1;
    row_bars(image, middle, centres, BARCODE_BAR_COUNT);
    for (int bar = 0; bar < BARCODE_BAR_COUNT; bar++) {
        int top = middle, bottom = middle;
        while (top > 0 && dark(image, centres[bar], top - 1))
            top--;
        while (bottom + 1 < image->height && dark(image, centres[bar], bottom + 1))
            bottom++;
        int upper = first - top > zone / 2, lower = bottom - last > zone / 2;
        bars[bar] = upper && lower ? 'F' : upper ? 'A' : lower ? 'D' : 'T';
    }
    bars[BARCODE_BAR_COUNT] = '\0';
    return zone;
}

static void printed_bars_read_back_as_the_symbol(void)
{
    char dir[] = "/tmp/kigen-notice-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    raster image = {0};
    char *text = NULL;
    CU_ASSERT_EQUAL_FATAL(paint_window(dir, "2630023", "3-30-8", &image, &text), 0);
    barcode_symbol symbol;
    CU_ASSERT_EQUAL_FATAL(barcode_encode("2630023", "3-30-8", &symbol), KG_OK);
    char bars[BARCODE_BAR_COUNT + 1];
    int zone = read_bars(&image, bars);
    /* the timing zone is 1.2 mm: 28 px at 600 dpi */
    CU_ASSERT(zone >= 24 && zone <= 30);
    CU_ASSERT_STRING_EQUAL(bars, symbol.bars);
    if (strcmp(bars, symbol.bars) != 0)
        fprintf(stderr, "\nprinted  %s\nexpected %s\n", bars, symbol.bars);
    /* the bars are not text: the page's text is the letter's, nothing more */
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "20270215-000001"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "花子"));
    CU_ASSERT_PTR_NULL(strstr(text, "\xEF\xBF\xBD")); /* U+FFFD */
    free(text);
    free(image.file);
    rmdir(dir);
}

static void postal_code_without_barcode_prints_no_bars(void)
{
    char dir[] = "/tmp/kigen-notice-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    raster image = {0};
    char *text = NULL;
    CU_ASSERT_EQUAL_FATAL(paint_window(dir, "2610000", "3-30-8", &image, &text), 0);
    char bars[BARCODE_BAR_COUNT + 1];
    CU_ASSERT_EQUAL(read_bars(&image, bars), 0);
    free(text);
    free(image.file);
    rmdir(dir);
}

/* The whitespace-separated words of line into words (up to cap); how many. */
static size_t split_words(char *line, char **words, size_t cap)
{
    size_t count = 0;
    for (char *pos = line; *pos != '\0';) {
        while (*pos == ' ')
            *pos++ = '\0';
        if (*pos == '\0')
            break;
        if (count < cap)
            words[count] = pos;
        count++;
        while (*pos != ' ' && *pos != '\0')
            pos++;
    }
    return count;
}

static void the_fonts_are_the_embedded_ipa_subsets_and_no_type_3(void)
{
    char dir[] = "/tmp/kigen-notice-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char pdf_path[128], command[512];
    snprintf(pdf_path, sizeof(pdf_path), "%s/notice.pdf", dir);
    static const notice_cert cert = {"sign", 0, 0, "birthday"};
    notice_data data = notice_sample(test_date("2027-02-15"), NULL, &cert, 1);
    cairo_surface_t *surface = cairo_pdf_surface_create(
        pdf_path, tmpl->page_width * NOTICE_PT_PER_MM, tmpl->page_height * NOTICE_PT_PER_MM);
    cairo_t *cr = cairo_create(surface);
    kg_errbuf errbuf = {{0}, {0}};
    /* the notice with its customer barcode, then the enclosed form with its Code 128 */
    CU_ASSERT_EQUAL(notice_paint(painter, cr, &data, &errbuf), KG_OK);
    cairo_show_page(cr);
    CU_ASSERT_EQUAL(notice_paint(enclosure_painter, cr, &data, &errbuf), KG_OK);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    CU_ASSERT_EQUAL(cairo_surface_status(surface), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surface);

    snprintf(command, sizeof(command), "pdffonts '%s'", pdf_path);
    char *fonts = NULL;
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command, &fonts), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fonts);
    CU_ASSERT_PTR_NULL(strstr(fonts, "Type 3"));
    /* name, type (one or two words), encoding, emb, sub, uni, object, generation */
    size_t listed = 0, line_no = 0;
    for (char *line = fonts, *end = NULL; line != NULL && *line != '\0'; line = end) {
        end = strchr(line, '\n');
        if (end != NULL)
            *end++ = '\0';
        if (line_no++ < 2) /* the header and its rule */
            continue;
        char *words[12];
        size_t count = split_words(line, words, 12);
        CU_ASSERT_FATAL(count >= 7 && count <= 12);
        const char *name = words[0];
        const char *plus = strchr(name, '+');
        CU_ASSERT(plus != NULL && plus - name == 6); /* a subset: ABCDEF+ */
        CU_ASSERT(plus != NULL && strncmp(plus + 1, "IPA", 3) == 0);
        CU_ASSERT_STRING_EQUAL(words[count - 5], "yes"); /* embedded */
        CU_ASSERT_STRING_EQUAL(words[count - 4], "yes"); /* subset */
        CU_ASSERT_STRING_EQUAL(words[count - 3], "yes"); /* ToUnicode */
        listed++;
    }
    CU_ASSERT(listed >= 1);
    free(fonts);

    /* what a reader extracts is the letter's text: no U+FFFD from the bars */
    snprintf(command, sizeof(command), "pdftotext -enc UTF-8 '%s' -", pdf_path);
    char *text = NULL;
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command, &text), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NULL(strstr(text, "\xEF\xBF\xBD"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "照会書兼回答書"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "見本"));
    free(text);
    unlink(pdf_path);
    rmdir(dir);
}

enum { UNIT_PX = 4, MARGIN_UNITS = 2 };

/* Whether the centre of module (row, column) is ink on image (RGB24, white paper, the
 * matrix MARGIN_UNITS modules from the top-left corner; row or column -1: the margin). */
static bool module_inked(cairo_surface_t *image, int row, int column)
{
    const unsigned char *data = cairo_image_surface_get_data(image);
    int stride = cairo_image_surface_get_stride(image);
    int x = (MARGIN_UNITS + column) * UNIT_PX + UNIT_PX / 2;
    int y = (MARGIN_UNITS + row) * UNIT_PX + UNIT_PX / 2;
    uint32_t pixel = 0;
    memcpy(&pixel, data + (size_t)y * (size_t)stride + (size_t)x * 4, sizeof(pixel));
    return (pixel & 0xFF) < DARK;
}

/* bars_draw_matrix (the stencil mask) and bars_draw_row on an image without anti-aliasing:
 * ink on exactly the dark modules (every side up to BARS_MAX_SIDE, all dark, a
 * checkerboard, random: every bit of the mask's 32-bit words), none in the margin around. */
static void bars_ink_exactly_the_dark_modules(void)
{
    unsigned seed = 16;
    for (int side = 1; side <= BARS_MAX_SIDE; side++)
        for (int trial = 0; trial < 4; trial++) {
            bool dark[BARS_MAX_SIDE * BARS_MAX_SIDE];
            for (int idx = 0; idx < side * side; idx++) {
                seed = seed * 1103515245u + 12345u;
                dark[idx] = trial == 0   ? true
                            : trial == 1 ? (idx / side + idx % side) % 2 == 0
                                         : ((seed >> 16) & 1) != 0;
            }
            int size = (side + 2 * MARGIN_UNITS) * UNIT_PX;
            cairo_surface_t *image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, size, size);
            cairo_t *cr = cairo_create(image);
            cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_paint(cr);
            double origin = MARGIN_UNITS * UNIT_PX;
            if (trial == 3) /* the same modules row by row */
                for (int row = 0; row < side; row++)
                    bars_draw_row(cr, origin, origin + row * UNIT_PX, UNIT_PX, UNIT_PX,
                                  dark + row * side, (size_t)side);
            else
                bars_draw_matrix(cr, origin, origin, UNIT_PX, dark, side);
            cairo_destroy(cr);
            cairo_surface_flush(image);
            int wrong = 0;
            for (int row = -1; row <= side; row++)
                for (int column = -1; column <= side; column++) {
                    bool inside = row >= 0 && row < side && column >= 0 && column < side;
                    bool want = inside && dark[row * side + column];
                    wrong += module_inked(image, row, column) != want;
                }
            CU_ASSERT_EQUAL(wrong, 0);
            if (wrong != 0)
                fprintf(stderr, "\nside %d, trial %d: %d modules wrong\n", side, trial, wrong);
            cairo_surface_destroy(image);
        }
}

int tests_register_notice_barcode(void)
{
    static const test_case cases[] = {
        {"printed_bars_read_back_as_the_symbol", printed_bars_read_back_as_the_symbol},
        {"postal_code_without_barcode_prints_no_bars", postal_code_without_barcode_prints_no_bars},
        {"the_fonts_are_the_embedded_ipa_subsets_and_no_type_3",
         the_fonts_are_the_embedded_ipa_subsets_and_no_type_3},
        {"bars_ink_exactly_the_dark_modules", bars_ink_exactly_the_dark_modules},
        {NULL, NULL}};
    CU_pSuite suite = CU_add_suite("notice_barcode", suite_init, suite_cleanup);
    if (suite == NULL)
        return 1;
    for (const test_case *test = cases; test->name != NULL; test++)
        if (CU_add_test(suite, test->name, test->run) == NULL)
            return 1;
    return 0;
}
