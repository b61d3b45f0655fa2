/*
 * test_text.c - the text module against the real IPA fonts: loading and its errors,
 * coverage (PUA, IVS, controls, invalid UTF-8), fallback to IPAmj, kinsoku line breaking,
 * shrinking to fit, and drawing to a PDF checked with poppler (pdffonts, pdftotext).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "render/text.h"
#include "test.h"

#define FONT_MINCHO "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"
#define FONT_GOTHIC "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
#define FONT_MJ "/usr/share/fonts/truetype/ipamj/ipamjm.ttf"

/* 葛 (U+845B) with IVS: U+E0100 is an Adobe-Japan1 sequence that IPAex has (IPAmj has
 * not), U+E0102 a Moji_Joho sequence that IPAmj has (IPAex has not). */
#define KUZU "\xE8\x91\x9B"
#define VS17 "\xF3\xA0\x84\x80"
#define VS19 "\xF3\xA0\x84\x82"
#define VS256 "\xF3\xA0\x87\xAF" /* U+E01EF: no font has it after 葛 */
#define YOSHI "\xF0\xA0\xAE\xB7" /* 𠮷 U+20BB7: in IPAmj, not in IPAex */

/* The notice set: IPAex Mincho, then IPAmj Mincho; and IPAmj alone. */
static text_fonts *notice_fonts;
static text_fonts *mj_fonts;

static int suite_init(void)
{
    const char *notice_paths[] = {FONT_MINCHO, FONT_MJ};
    const char *mj_paths[] = {FONT_MJ};
    kg_errbuf errbuf = {{0}, {0}};
    if (text_fonts_new(notice_paths, 2, &notice_fonts, &errbuf) != KG_OK ||
        text_fonts_new(mj_paths, 1, &mj_fonts, &errbuf) != KG_OK) {
        fprintf(stderr, "text suite: %s\n", errbuf.text);
        return 1;
    }
    return 0;
}

static int suite_cleanup(void)
{
    text_fonts_free(notice_fonts);
    text_fonts_free(mj_fonts);
    notice_fonts = NULL;
    mj_fonts = NULL;
    cairo_debug_reset_static_data(); /* cairo's caches, so that valgrind sees no leak */
    return 0;
}

static void fonts_load_in_fallback_order(void)
{
    const char *paths[] = {FONT_MINCHO, FONT_GOTHIC, FONT_MJ};
    text_fonts *fonts = NULL;
    kg_errbuf errbuf = {{0}, {0}};
    CU_ASSERT_EQUAL_FATAL(text_fonts_new(paths, 3, &fonts, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(text_fonts_count(fonts), 3);
    for (size_t font_idx = 0; font_idx < 3; font_idx++)
        CU_ASSERT_PTR_NOT_NULL(text_fonts_cairo_face(fonts, font_idx));
    CU_ASSERT_PTR_NULL(text_fonts_cairo_face(fonts, 3));
    text_fonts_free(fonts);
    text_fonts_free(NULL);
}

static void missing_font_file_is_a_clear_error(void)
{
    const char *paths[] = {FONT_MINCHO, "/nonexistent/kigen-font.ttf"};
    text_fonts *fonts = NULL;
    kg_errbuf errbuf = {{0}, {0}};
    CU_ASSERT_EQUAL(text_fonts_new(paths, 2, &fonts, &errbuf), KG_ERR_FONT_LOAD);
    CU_ASSERT_PTR_NULL(fonts);
    CU_ASSERT_STRING_EQUAL(errbuf.text, "unable to load font '/nonexistent/kigen-font.ttf': "
                                        "No such file or directory");
}

static void file_that_is_not_a_font_is_a_clear_error(void)
{
    char path[4096];
    const char *paths[] = {test_root_path("Makefile", path, sizeof(path))};
    text_fonts *fonts = NULL;
    kg_errbuf errbuf = {{0}, {0}};
    char expected[4200];
    snprintf(expected, sizeof(expected), "unable to load font '%s': unknown file format", path);
    CU_ASSERT_EQUAL(text_fonts_new(paths, 1, &fonts, &errbuf), KG_ERR_FONT_LOAD);
    CU_ASSERT_PTR_NULL(fonts);
    CU_ASSERT_STRING_EQUAL(errbuf.text, expected);
}

static void font_count_out_of_range_is_usage_error(void)
{
    text_fonts *fonts = NULL;
    kg_errbuf errbuf = {{0}, {0}};
    CU_ASSERT_EQUAL(text_fonts_new(NULL, 0, &fonts, &errbuf), KG_ERR_USAGE);
    CU_ASSERT_PTR_NULL(fonts);
}

static void names_and_addresses_are_covered(void)
{
    static const char *const texts[] = {
        "山田太郎",
        "髙橋一郎",
        "山﨑　花子",
        "渡邊",
        "東京都港区芝公園4丁目2-8",
        "ＡＢＣマンション１０１号室",
        "サイトウ タロウ",
        "〒105-0011",
        "令和8年2月3日",
        "Smith, John",
        "",
    };
    for (size_t text_idx = 0; text_idx < sizeof(texts) / sizeof(texts[0]); text_idx++) {
        uint32_t code_point = 0;
        size_t offset = 0;
        bool missing = text_find_missing(notice_fonts, texts[text_idx], strlen(texts[text_idx]),
                                         &code_point, &offset);
        if (missing)
            fprintf(stderr, "\n'%s': U+%04X at %zu\n", texts[text_idx], (unsigned)code_point,
                    offset);
        CU_ASSERT_FALSE(missing);
    }
}

typedef struct missing_case {
    const char *text;
    size_t len; /* 0: strlen */
    uint32_t code_point;
    size_t offset;
} missing_case;

static void unprintable_characters_are_missing(void)
{
    static const missing_case cases[] = {
        {"山田\xEE\x80\x80", 0, 0xE000, 6},         /* private use (外字) */
        {"山田\xF3\xB0\x80\x80", 0, 0xF0000, 6},    /* supplementary private use */
        {"山" KUZU VS256, 0, 0xE01EF, 3},           /* IVS no font has */
        {"\xE3\x81\x82\xEF\xB8\x80", 0, 0xFE00, 0}, /* あ + VS1: no such sequence */
        {VS17 "山", 0, 0xE0100, 0},                 /* a selector without base */
        {"山\t田", 0, 0x09, 3},                     /* C0 control */
        {"山\x7F", 0, 0x7F, 3},                     /* DEL */
        {"\xC2\x85", 0, 0x85, 0},                   /* C1 control (NEL) */
        {"a\0b", 3, 0x00, 1},                       /* NUL */
        {"\xEF\xBF\xBD", 0, 0xFFFD, 0},             /* U+FFFD itself */
        {"山\xFF", 0, 0xFFFD, 3},                   /* invalid byte */
        {"山\xE5\xB1", 0, 0xFFFD, 3},               /* truncated sequence */
        {"\xC0\xAF", 0, 0xFFFD, 0},                 /* overlong */
        {"\xED\xA0\x80", 0, 0xFFFD, 0},             /* surrogate */
        {"\xF4\x90\x80\x80", 0, 0xFFFD, 0},         /* above U+10FFFF */
    };
    for (size_t case_idx = 0; case_idx < sizeof(cases) / sizeof(cases[0]); case_idx++) {
        const missing_case *test = &cases[case_idx];
        size_t len = test->len != 0 ? test->len : strlen(test->text);
        uint32_t code_point = 0;
        size_t offset = 99;
        CU_ASSERT_TRUE(text_find_missing(notice_fonts, test->text, len, &code_point, &offset));
        if (code_point != test->code_point || offset != test->offset)
            fprintf(stderr, "\ncase %zu: U+%04X at %zu\n", case_idx, (unsigned)code_point, offset);
        CU_ASSERT_EQUAL(code_point, test->code_point);
        CU_ASSERT_EQUAL(offset, test->offset);
    }
    CU_ASSERT_TRUE(text_find_missing(notice_fonts, "\x01", 1, NULL, NULL));
}

/* The glyph of a one-glyph text in a set. */
static uint32_t only_glyph(text_fonts *fonts, const char *text, size_t *font_idx)
{
    text_run run;
    text_run_init(&run);
    uint32_t glyph_id = 0;
    if (text_shape(fonts, text, strlen(text), 10.0, &run) == KG_OK && run.glyph_count == 1 &&
        run.missing == 0) {
        glyph_id = run.glyphs[0].glyph_id;
        *font_idx = run.segments[0].font_idx;
    }
    text_run_free(&run);
    return glyph_id;
}

static void ivs_sequence_in_ipamj_is_covered_and_selects_its_glyph(void)
{
    const char *moji_joho = KUZU VS19;
    const char *adobe = KUZU VS17;
    size_t font_idx = 99;
    CU_ASSERT_FALSE(text_find_missing(mj_fonts, moji_joho, strlen(moji_joho), NULL, NULL));
    CU_ASSERT_FALSE(text_find_missing(notice_fonts, moji_joho, strlen(moji_joho), NULL, NULL));
    CU_ASSERT_FALSE(text_find_missing(notice_fonts, adobe, strlen(adobe), NULL, NULL));

    /* IPAmj alone: plain 葛 and 葛 U+E0102 are different glyphs. */
    CU_ASSERT_EQUAL(only_glyph(mj_fonts, KUZU, &font_idx), 23478);
    CU_ASSERT_EQUAL(only_glyph(mj_fonts, moji_joho, &font_idx), 23477);
    /* The notice set: plain 葛 and 葛 U+E0100 from IPAex, 葛 U+E0102 from IPAmj. */
    CU_ASSERT_EQUAL(only_glyph(notice_fonts, KUZU, &font_idx), 7354);
    CU_ASSERT_EQUAL(font_idx, 0);
    CU_ASSERT_EQUAL(only_glyph(notice_fonts, adobe, &font_idx), 1247);
    CU_ASSERT_EQUAL(font_idx, 0);
    CU_ASSERT_EQUAL(only_glyph(notice_fonts, moji_joho, &font_idx), 23477);
    CU_ASSERT_EQUAL(font_idx, 1);

    /* IPAmj has 葛 but not the Adobe-Japan1 sequence: missing in a set of IPAmj alone. */
    uint32_t code_point = 0;
    size_t offset = 99;
    CU_ASSERT_TRUE(text_find_missing(mj_fonts, adobe, strlen(adobe), &code_point, &offset));
    CU_ASSERT_EQUAL(code_point, 0xE0100);
    CU_ASSERT_EQUAL(offset, 0);
}

static void ivs_sequence_stays_with_its_base_in_one_segment(void)
{
    text_run run;
    text_run_init(&run);
    const char *text = KUZU VS19 "飾区";
    CU_ASSERT_EQUAL_FATAL(text_shape(notice_fonts, text, strlen(text), 10.0, &run), KG_OK);
    CU_ASSERT_EQUAL_FATAL(run.segment_count, 2);
    CU_ASSERT_EQUAL(run.segments[0].font_idx, 1);
    CU_ASSERT_EQUAL(run.segments[0].byte_start, 0);
    CU_ASSERT_EQUAL(run.segments[0].byte_len, 7);
    CU_ASSERT_EQUAL(run.segments[1].font_idx, 0);
    CU_ASSERT_EQUAL(run.segments[1].byte_start, 7);
    CU_ASSERT_EQUAL(run.glyph_count, 3);
    CU_ASSERT_EQUAL(run.glyphs[0].glyph_id, 23477);
    CU_ASSERT_EQUAL(run.missing, 0);
    text_run_free(&run);
}

static void character_missing_from_ipaex_falls_back_to_ipamj(void)
{
    const char *text = "吉田 " YOSHI "田";
    text_run run;
    text_run_init(&run);
    CU_ASSERT_FALSE(text_find_missing(notice_fonts, text, strlen(text), NULL, NULL));
    CU_ASSERT_EQUAL_FATAL(text_shape(notice_fonts, text, strlen(text), 12.0, &run), KG_OK);
    CU_ASSERT_EQUAL(run.missing, 0);
    CU_ASSERT_EQUAL_FATAL(run.segment_count, 3);
    CU_ASSERT_EQUAL(run.segments[0].font_idx, 0);
    CU_ASSERT_EQUAL(run.segments[1].font_idx, 1);
    CU_ASSERT_EQUAL(run.segments[1].byte_start, 7);
    CU_ASSERT_EQUAL(run.segments[1].byte_len, 4);
    CU_ASSERT_EQUAL(run.segments[2].font_idx, 0);
    CU_ASSERT_EQUAL(run.glyph_count, 5);
    CU_ASSERT_NOT_EQUAL(run.glyphs[3].glyph_id, 0);
    CU_ASSERT_EQUAL(run.glyphs[3].cluster, 7);
    /* The segments follow each other on the pen line. */
    CU_ASSERT_DOUBLE_EQUAL(run.segments[1].x, run.segments[0].width, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(run.segments[2].x, run.segments[0].width + run.segments[1].width, 1e-9);
    text_run_free(&run);
}

static void run_width_is_the_sum_of_advances_in_points(void)
{
    text_run run;
    text_run_init(&run);
    const char *text = "あいう山田";
    CU_ASSERT_EQUAL_FATAL(text_shape(notice_fonts, text, strlen(text), 10.0, &run), KG_OK);
    CU_ASSERT_DOUBLE_EQUAL(run.width, 50.0, 1e-6); /* full-width: one em each */
    CU_ASSERT_DOUBLE_EQUAL(run.glyphs[1].x_advance, 10.0, 1e-6);
    CU_ASSERT_EQUAL(run.size_pt, 10.0);
    CU_ASSERT_EQUAL_FATAL(text_shape(notice_fonts, text, strlen(text), 21.0, &run), KG_OK);
    CU_ASSERT_DOUBLE_EQUAL(run.width, 105.0, 1e-6);
    CU_ASSERT_EQUAL(text_shape(notice_fonts, "", 0, 10.0, &run), KG_OK);
    CU_ASSERT_EQUAL(run.glyph_count, 0);
    CU_ASSERT_EQUAL(run.width, 0.0);
    text_run_free(&run);
    text_run_free(NULL);
}

static void run_is_reused_without_reallocation(void)
{
    text_run run;
    text_run_init(&run);
    const char *longer = "東京都港区芝公園4丁目2-8 " YOSHI "野ビル";
    const char *shorter = "港区芝公園";
    CU_ASSERT_EQUAL_FATAL(text_shape(notice_fonts, longer, strlen(longer), 10.0, &run), KG_OK);
    const text_glyph *glyphs = run.glyphs;
    const text_segment *segments = run.segments;
    const char *copy = run.text;
    for (int round = 0; round < 3; round++) {
        CU_ASSERT_EQUAL(text_shape(notice_fonts, shorter, strlen(shorter), 10.0, &run), KG_OK);
        CU_ASSERT_EQUAL(text_shape(notice_fonts, longer, strlen(longer), 10.0, &run), KG_OK);
    }
    CU_ASSERT_PTR_EQUAL(run.glyphs, glyphs);
    CU_ASSERT_PTR_EQUAL(run.segments, segments);
    CU_ASSERT_PTR_EQUAL(run.text, copy);
    text_run_reset(&run);
    CU_ASSERT_EQUAL(run.glyph_count, 0);
    text_run_free(&run);
}

static void shaping_limits_are_errors(void)
{
    text_run run;
    text_run_init(&run);
    static char big[TEXT_MAX_BYTES + 1];
    memset(big, 'a', sizeof(big));
    CU_ASSERT_EQUAL(text_shape(notice_fonts, big, sizeof(big), 10.0, &run), KG_ERR_TEXT_TOO_LONG);
    CU_ASSERT_EQUAL(text_shape(notice_fonts, "a", 1, 0.0, &run), KG_ERR_INTERNAL);
    CU_ASSERT_EQUAL(run.glyph_count, 0);
    text_run_free(&run);
}

/* The lines of text as strings joined with '|'. */
static void joined_lines(const char *text, const text_lines *lines, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t line_idx = 0; line_idx < lines->count; line_idx++) {
        const text_line *line = &lines->lines[line_idx];
        int written = snprintf(out + used, cap - used, "%s%.*s", line_idx > 0 ? "|" : "",
                               (int)(line->end - line->start), text + line->start);
        if (written < 0 || (size_t)written >= cap - used)
            return;
        used += (size_t)written;
    }
}

typedef struct break_case {
    const char *text;
    double max_width_em;  /* at 10 pt: full-width characters are 10 pt */
    const char *expected; /* lines joined with '|' */
} break_case;

static void lines_follow_kinsoku_shori(void)
{
    static const break_case cases[] = {
        {"あいうえお", 3, "あいう|えお"},
        {"あいう。えお", 3, "あい|う。え|お"},         /* 。 never starts a line */
        {"あいうえ、おか", 4, "あいう|え、おか"},      /* 、 pushes its character out */
        {"あい「うえ」お", 3, "あい|「う|え」お"},     /* 「 never ends, 」 never starts */
        {"「あいうえお」", 6, "「あいうえ|お」"},      /* 」 pushes お out */
        {"キャッシュカード", 3, "キャッ|シュ|カード"}, /* small kana, ー */
        {"あい（う）", 3, "あい|（う）"},              /* （ at the end pushed out */
        {"ゆっくり、しっかり。", 4, "ゆっく|り、しっ|かり。"},
        {"あい々うえ", 2, "あ|い々|うえ"},     /* iteration mark */
        {"あい……うえ", 3, "あい|……う|え"},     /* …… stays together */
        {"あい\nうえお", 10, "あい\n|うえお"}, /* a line feed ends its line */
        {"あいう　えお", 3, "あいう　|えお"},  /* a space hangs at the end */
        {"", 3, ""},
    };
    text_lines lines;
    text_lines_init(&lines);
    for (size_t case_idx = 0; case_idx < sizeof(cases) / sizeof(cases[0]); case_idx++) {
        const break_case *test = &cases[case_idx];
        char actual[512];
        CU_ASSERT_EQUAL_FATAL(text_break_lines(notice_fonts, test->text, strlen(test->text), 10.0,
                                               test->max_width_em * 10.0, 0, &lines),
                              KG_OK);
        joined_lines(test->text, &lines, actual, sizeof(actual));
        if (strcmp(actual, test->expected) != 0)
            fprintf(stderr, "\ncase %zu: '%s' expected '%s'\n", case_idx, actual, test->expected);
        CU_ASSERT_STRING_EQUAL(actual, test->expected);
        CU_ASSERT_FALSE(lines.overflow);
    }
    text_lines_free(&lines);
    text_lines_free(NULL);
}

static void address_numbers_stay_whole_when_they_fit(void)
{
    static const break_case cases[] = {
        {"港区芝公園3丁目30-8", 7, "港区芝公園|3丁目30-8"},
        {"グランドハイツ403号室", 8, "グランドハイツ|403号室"},
        {"ＡＢＣマンション１０１号室", 8, "ＡＢＣマンション|１０１号室"},
        {"Tokyo Tower Building", 6, "Tokyo |Tower |Building"},
        {"目黒区目黒1番地", 5, "目黒区目黒|1番地"},
        {"目黒区目黒1番地", 4, "目黒区目|黒1番地"},
        {"1234567890123", 2, "123|456|789|012|3"}, /* too long: split where it must */
    };
    text_lines lines;
    text_lines_init(&lines);
    for (size_t case_idx = 0; case_idx < sizeof(cases) / sizeof(cases[0]); case_idx++) {
        const break_case *test = &cases[case_idx];
        char actual[512];
        CU_ASSERT_EQUAL_FATAL(text_break_lines(notice_fonts, test->text, strlen(test->text), 10.0,
                                               test->max_width_em * 10.0, 0, &lines),
                              KG_OK);
        joined_lines(test->text, &lines, actual, sizeof(actual));
        if (strcmp(actual, test->expected) != 0)
            fprintf(stderr, "\ncase %zu: '%s' expected '%s'\n", case_idx, actual, test->expected);
        CU_ASSERT_STRING_EQUAL(actual, test->expected);
        for (size_t line_idx = 0; line_idx < lines.count; line_idx++)
            CU_ASSERT(lines.lines[line_idx].width <= test->max_width_em * 10.0 + 1e-9);
    }
    text_lines_free(&lines);
}

/* Lines tile the input; with kinsoku, every line fits, none starts with a forbidden
 * character or a selector, none ends with an opening bracket. */
static void check_line_invariants(const char *text, const text_lines *lines, double max_width,
                                  bool kinsoku)
{
    static const char *const never_first[] = {"、", "。", "」", "』", "）", "ー", "ッ",
                                              "ょ", "々", "・", "！", "？", VS17, VS19};
    static const char *const never_last[] = {"「", "『", "（", "【"};
    size_t expected_start = 0;
    for (size_t line_idx = 0; line_idx < lines->count; line_idx++) {
        const text_line *line = &lines->lines[line_idx];
        CU_ASSERT_EQUAL(line->start, expected_start);
        CU_ASSERT(line->end > line->start);
        expected_start = line->end;
        if (!kinsoku)
            continue;
        CU_ASSERT(line->width <= max_width + 1e-9);
        for (size_t char_idx = 0; char_idx < sizeof(never_first) / sizeof(never_first[0]);
             char_idx++) {
            size_t char_len = strlen(never_first[char_idx]);
            if (line_idx > 0)
                CU_ASSERT(strncmp(text + line->start, never_first[char_idx], char_len) != 0);
        }
        for (size_t char_idx = 0; char_idx < sizeof(never_last) / sizeof(never_last[0]);
             char_idx++) {
            size_t char_len = strlen(never_last[char_idx]);
            if (line_idx + 1 < lines->count && line->end - line->start >= char_len)
                CU_ASSERT(strncmp(text + line->end - char_len, never_last[char_idx], char_len) !=
                          0);
        }
    }
    CU_ASSERT_EQUAL(expected_start, strlen(text));
}

static void every_byte_is_in_exactly_one_line(void)
{
    static const char *const texts[] = {
        "東京都千代田区霞が関二丁目1番2号　中央合同庁舎第2号館（総務省）「マイナンバーカード」の"
        "電子証明書は、有効期限の3か月前から更新できます。ご不明な点は、お問い合わせください。",
        "「あ」「い」「う」「え」「お」、。あ、。ーッあ",
        KUZU VS19 KUZU VS19 KUZU VS19 KUZU VS19 "飾区" KUZU VS19 KUZU VS17,
        "1234567890123456789012345678901234567890",
    };
    /* From 5 em on, kinsoku can always be kept in these texts; below, only tiling holds. */
    static const double widths_em[] = {0.5, 1, 2, 3, 5, 6, 7, 8, 13};
    text_lines lines;
    text_lines_init(&lines);
    for (size_t text_idx = 0; text_idx < sizeof(texts) / sizeof(texts[0]); text_idx++)
        for (size_t width_idx = 0; width_idx < sizeof(widths_em) / sizeof(widths_em[0]);
             width_idx++) {
            double max_width = widths_em[width_idx] * 10.0;
            CU_ASSERT_EQUAL_FATAL(text_break_lines(notice_fonts, texts[text_idx],
                                                   strlen(texts[text_idx]), 10.0, max_width, 0,
                                                   &lines),
                                  KG_OK);
            check_line_invariants(texts[text_idx], &lines, max_width, widths_em[width_idx] >= 5);
        }
    text_lines_free(&lines);
}

static void too_many_lines_is_overflow(void)
{
    const char *text = "あいうえおかきくけこ";
    text_lines lines;
    text_lines_init(&lines);
    CU_ASSERT_EQUAL_FATAL(text_break_lines(notice_fonts, text, strlen(text), 10.0, 30.0, 2, &lines),
                          KG_OK);
    CU_ASSERT_EQUAL(lines.count, 2);
    CU_ASSERT_TRUE(lines.overflow);
    CU_ASSERT_EQUAL(lines.lines[1].end, 18);
    CU_ASSERT_EQUAL_FATAL(text_break_lines(notice_fonts, text, strlen(text), 10.0, 30.0, 4, &lines),
                          KG_OK);
    CU_ASSERT_EQUAL(lines.count, 4);
    CU_ASSERT_FALSE(lines.overflow);
    text_lines_free(&lines);
}

static void fit_size_shrinks_long_names_only(void)
{
    text_run run;
    text_run_init(&run);
    const char *long_name = "寿限無寿限無五劫の擦り切れ海砂利水魚";
    double fitted = 0.0;
    bool fits = false;
    CU_ASSERT_EQUAL_FATAL(
        text_fit_size(notice_fonts, long_name, strlen(long_name), 14.0, 6.0, 150.0, &fitted, &fits),
        KG_OK);
    CU_ASSERT_TRUE(fits);
    CU_ASSERT_DOUBLE_EQUAL(fitted, 8.3, 1e-9); /* 18 em: 150 / 18 = 8.33 */
    CU_ASSERT_EQUAL(text_shape(notice_fonts, long_name, strlen(long_name), fitted, &run), KG_OK);
    CU_ASSERT(run.width <= 150.0);
    CU_ASSERT_EQUAL(text_shape(notice_fonts, long_name, strlen(long_name), fitted + 0.1, &run),
                    KG_OK);
    CU_ASSERT(run.width > 150.0);

    const char *short_name = "山田太郎";
    CU_ASSERT_EQUAL_FATAL(text_fit_size(notice_fonts, short_name, strlen(short_name), 14.0, 6.0,
                                        150.0, &fitted, &fits),
                          KG_OK);
    CU_ASSERT_TRUE(fits);
    CU_ASSERT_EQUAL(fitted, 14.0);

    CU_ASSERT_EQUAL_FATAL(text_fit_size(notice_fonts, long_name, strlen(long_name), 14.0, 10.0,
                                        150.0, &fitted, &fits),
                          KG_OK);
    CU_ASSERT_FALSE(fits);
    CU_ASSERT_EQUAL(fitted, 10.0);
    text_run_free(&run);
}

static void drawn_text_is_embedded_subset_and_extractable(void)
{
    char dir[] = "/tmp/kigen-text-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char pdf_path[64];
    snprintf(pdf_path, sizeof(pdf_path), "%s/text.pdf", dir);

    cairo_surface_t *surface = cairo_pdf_surface_create(pdf_path, 595.276, 841.89);
    cairo_t *cr = cairo_create(surface);
    text_run run;
    text_run_init(&run);
    const char *name = "山田 " YOSHI "野 様";
    const char *address = "東京都葛飾区立石5丁目13-1";
    CU_ASSERT_EQUAL(text_shape(notice_fonts, name, strlen(name), 14.0, &run), KG_OK);
    CU_ASSERT_EQUAL(text_draw(cr, notice_fonts, &run, 72.0, 100.0), KG_OK);
    CU_ASSERT_EQUAL(text_shape(notice_fonts, address, strlen(address), 10.5, &run), KG_OK);
    CU_ASSERT_EQUAL(text_draw(cr, notice_fonts, &run, 72.0, 130.0), KG_OK);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    CU_ASSERT_EQUAL(cairo_surface_status(surface), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surface);
    text_run_free(&run);

    char command[256];
    char *output = NULL;
    snprintf(command, sizeof(command), "pdffonts '%s'", pdf_path);
    CU_ASSERT_EQUAL(test_run_shell(command, &output), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(output);
    /* IPAex Mincho (cairo writes a CID subset and a WinAnsi one for ASCII), IPAmj Mincho for
     * 𠮷: each embedded, subset, with a ToUnicode map. */
    size_t font_lines = 0;
    for (const char *line = output; line != NULL && *line != '\0';) {
        const char *next = strchr(line, '\n');
        size_t line_len = next != NULL ? (size_t)(next - line) : strlen(line);
        if (line_len > 7 && line[6] == '+') {
            font_lines++;
            char row[512];
            snprintf(row, sizeof(row), "%.*s", (int)line_len, line);
            CU_ASSERT_PTR_NOT_NULL(strstr(row, "yes yes yes"));
        }
        line = next != NULL ? next + 1 : NULL;
    }
    CU_ASSERT(font_lines >= 2);
    if (font_lines < 2)
        fprintf(stderr, "\npdffonts: %s\n", output);
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "IPAexMincho"));
    CU_ASSERT_PTR_NOT_NULL(strstr(output, "IPAmjMincho"));
    free(output);

    snprintf(command, sizeof(command), "pdftotext -enc UTF-8 '%s' -", pdf_path);
    output = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command, &output), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(output);
    CU_ASSERT_PTR_NOT_NULL(strstr(output, name));
    CU_ASSERT_PTR_NOT_NULL(strstr(output, address));
    if (strstr(output, name) == NULL || strstr(output, address) == NULL)
        fprintf(stderr, "\npdftotext: %s\n", output);
    free(output);

    unlink(pdf_path);
    rmdir(dir);
}

static void pdf_surface_may_outlive_the_font_set(void)
{
    const char *paths[] = {FONT_GOTHIC, FONT_MJ};
    text_fonts *fonts = NULL;
    CU_ASSERT_EQUAL_FATAL(text_fonts_new(paths, 2, &fonts, NULL), KG_OK);
    char dir[] = "/tmp/kigen-text-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char pdf_path[64];
    snprintf(pdf_path, sizeof(pdf_path), "%s/late.pdf", dir);
    cairo_surface_t *surface = cairo_pdf_surface_create(pdf_path, 595.276, 841.89);
    cairo_t *cr = cairo_create(surface);
    text_run run;
    text_run_init(&run);
    const char *text = "鈴木 " YOSHI "子";
    CU_ASSERT_EQUAL(text_shape(fonts, text, strlen(text), 12.0, &run), KG_OK);
    CU_ASSERT_EQUAL(text_draw(cr, fonts, &run, 72.0, 72.0), KG_OK);
    text_run_free(&run);
    /* The set goes first: the surface still holds its Cairo faces until it is finished. */
    text_fonts_free(fonts);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    CU_ASSERT_EQUAL(cairo_surface_status(surface), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surface);

    char command[128];
    char *output = NULL;
    snprintf(command, sizeof(command), "pdftotext -enc UTF-8 '%s' -", pdf_path);
    CU_ASSERT_EQUAL(test_run_shell(command, &output), 0);
    CU_ASSERT_PTR_NOT_NULL(output != NULL ? strstr(output, text) : NULL);
    free(output);
    unlink(pdf_path);
    rmdir(dir);
}

static cairo_status_t discard_pdf_bytes(void *closure, const unsigned char *data,
                                        unsigned int length)
{
    size_t *total = closure;
    (void)data;
    *total += length;
    return CAIRO_STATUS_SUCCESS;
}

typedef struct worker_result {
    kg_err err;     /* first failure */
    size_t missing; /* characters reported missing (expected: none) */
    size_t pdf_bytes;
} worker_result;

/* One renderer thread: its own set, runs, lines and PDF surface. */
static void *render_worker(void *arg)
{
    worker_result *result = arg;
    const char *paths[] = {FONT_MINCHO, FONT_MJ};
    const char *address = "東京都葛飾区立石5丁目13-1 " YOSHI "野ハイツ403号室（管理人室）";
    text_fonts *fonts = NULL;
    result->err = text_fonts_new(paths, 2, &fonts, NULL);
    if (result->err != KG_OK)
        return NULL;
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(discard_pdf_bytes, &result->pdf_bytes, 595.0, 842.0);
    cairo_t *cr = cairo_create(surface);
    text_run run;
    text_lines lines;
    text_run_init(&run);
    text_lines_init(&lines);
    for (int page = 0; page < 50 && result->err == KG_OK; page++) {
        if (text_find_missing(fonts, address, strlen(address), NULL, NULL))
            result->missing++;
        result->err = text_break_lines(fonts, address, strlen(address), 10.5, 120.0, 0, &lines);
        for (size_t line_idx = 0; line_idx < lines.count && result->err == KG_OK; line_idx++) {
            const text_line *line = &lines.lines[line_idx];
            result->err =
                text_shape(fonts, address + line->start, line->end - line->start, 10.5, &run);
            if (result->err == KG_OK)
                result->err = text_draw(cr, fonts, &run, 72.0, 100.0 + 14.0 * (double)line_idx);
        }
        cairo_show_page(cr);
    }
    text_run_free(&run);
    text_lines_free(&lines);
    cairo_destroy(cr);
    text_fonts_free(fonts); /* before the surface: cairo releases the faces later */
    cairo_surface_finish(surface);
    if (result->err == KG_OK && cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
        result->err = KG_ERR_DRAW;
    cairo_surface_destroy(surface);
    return NULL;
}

static void one_font_set_per_thread_renders_concurrently(void)
{
    enum { WORKERS = 4 };
    pthread_t threads[WORKERS];
    worker_result results[WORKERS];
    memset(results, 0, sizeof(results));
    for (size_t worker_idx = 0; worker_idx < WORKERS; worker_idx++)
        CU_ASSERT_EQUAL_FATAL(
            pthread_create(&threads[worker_idx], NULL, render_worker, &results[worker_idx]), 0);
    for (size_t worker_idx = 0; worker_idx < WORKERS; worker_idx++) {
        pthread_join(threads[worker_idx], NULL);
        CU_ASSERT_EQUAL(results[worker_idx].err, KG_OK);
        CU_ASSERT_EQUAL(results[worker_idx].missing, 0);
        CU_ASSERT(results[worker_idx].pdf_bytes > 1000);
    }
}

int tests_register_text(void)
{
    static const test_case cases[] = {
        {"fonts_load_in_fallback_order", fonts_load_in_fallback_order},
        {"missing_font_file_is_a_clear_error", missing_font_file_is_a_clear_error},
        {"file_that_is_not_a_font_is_a_clear_error", file_that_is_not_a_font_is_a_clear_error},
        {"font_count_out_of_range_is_usage_error", font_count_out_of_range_is_usage_error},
        {"names_and_addresses_are_covered", names_and_addresses_are_covered},
        {"unprintable_characters_are_missing", unprintable_characters_are_missing},
        {"ivs_sequence_in_ipamj_is_covered_and_selects_its_glyph",
         ivs_sequence_in_ipamj_is_covered_and_selects_its_glyph},
        {"ivs_sequence_stays_with_its_base_in_one_segment",
         ivs_sequence_stays_with_its_base_in_one_segment},
        {"character_missing_from_ipaex_falls_back_to_ipamj",
         character_missing_from_ipaex_falls_back_to_ipamj},
        {"run_width_is_the_sum_of_advances_in_points", run_width_is_the_sum_of_advances_in_points},
        {"run_is_reused_without_reallocation", run_is_reused_without_reallocation},
        {"shaping_limits_are_errors", shaping_limits_are_errors},
        {"lines_follow_kinsoku_shori", lines_follow_kinsoku_shori},
        {"address_numbers_stay_whole_when_they_fit", address_numbers_stay_whole_when_they_fit},
        {"every_byte_is_in_exactly_one_line", every_byte_is_in_exactly_one_line},
        {"too_many_lines_is_overflow", too_many_lines_is_overflow},
        {"fit_size_shrinks_long_names_only", fit_size_shrinks_long_names_only},
        {"drawn_text_is_embedded_subset_and_extractable",
         drawn_text_is_embedded_subset_and_extractable},
        {"pdf_surface_may_outlive_the_font_set", pdf_surface_may_outlive_the_font_set},
        {"one_font_set_per_thread_renders_concurrently",
         one_font_set_per_thread_renders_concurrently},
        {NULL, NULL},
    };
    /* Its own suite setup: the font sets are loaded once, and cairo's caches emptied. */
    CU_pSuite suite = CU_add_suite("text", suite_init, suite_cleanup);
    if (suite == NULL)
        return 1;
    for (const test_case *test = cases; test->name != NULL; test++)
        if (CU_add_test(suite, test->name, test->run) == NULL)
            return 1;
    return 0;
}
