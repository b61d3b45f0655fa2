/*
 * test_barcode.c - the customer barcode: every worked example of Japan Post's manual
 * (tests/data/customer_barcode.tsv), one case per extraction rule, the check
 * character, postal code errors, and the bars against libzint's JAPANPOST encoder (the
 * oracle for the bar table and the check; zint takes the already extracted text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zint.h>

#include "render/barcode.h"
#include "test.h"

#define TSV_NAME "customer_barcode.tsv" /* in tests/data/, see its README.md */

/* ---- helpers ----------------------------------------------------------------------- */

static void assert_extract(const char *address, const char *expected)
{
    char number[64];
    kg_err err = barcode_extract(address, strlen(address), number, sizeof(number));
    CU_ASSERT_EQUAL(err, KG_OK);
    CU_ASSERT_STRING_EQUAL(number, expected);
    if (err != KG_OK || strcmp(number, expected) != 0)
        fprintf(stderr, "\nextract '%s': got '%s', expected '%s'\n", address, number, expected);
}

static void assert_encode(const char *postal_code, const char *address, const char *data,
                          char check)
{
    barcode_symbol symbol;
    CU_ASSERT_EQUAL_FATAL(barcode_encode(postal_code, address, &symbol), KG_OK);
    CU_ASSERT_STRING_EQUAL(symbol.data, data);
    CU_ASSERT_EQUAL(symbol.check, check);
    CU_ASSERT_EQUAL(strlen(symbol.bars), BARCODE_BAR_COUNT);
}

/* The bars libzint draws for text (7 digits + address number in 0-9, '-', A-Z), as
 * F/A/D/T into bars[68]; 0 on success, -1 when zint refuses the text. */
static int zint_bars(const char *text, char *bars)
{
    struct zint_symbol *symbol = ZBarcode_Create();
    if (symbol == NULL)
        return -1;
    symbol->symbology = BARCODE_JAPANPOST;
    int result = ZBarcode_Encode(symbol, (const unsigned char *)text, (int)strlen(text));
    if (result >= ZINT_ERROR || symbol->rows != 3) {
        ZBarcode_Delete(symbol);
        return -1;
    }
    size_t count = 0;
    /* Rows: 0 upper zone, 1 timing zone, 2 lower zone; a bar every second module. */
    for (int column = 0; column < symbol->width && count < BARCODE_BAR_COUNT; column += 2) {
        int upper = (symbol->encoded_data[0][column >> 3] >> (column & 7)) & 1;
        int lower = (symbol->encoded_data[2][column >> 3] >> (column & 7)) & 1;
        bars[count++] = upper && lower ? 'F' : upper ? 'A' : lower ? 'D' : 'T';
    }
    bars[count] = '\0';
    ZBarcode_Delete(symbol);
    return count == BARCODE_BAR_COUNT ? 0 : -1;
}

/* ---- Japan Post's worked examples -------------------------------------------------- */

typedef struct tsv_row {
    char *fields[7]; /* postal_code, address, banchi, address2, data, check, bars */
} tsv_row;

/* Splits one line of the TSV in place; 1 when it has the 7 fields. */
static int split_tsv_line(char *line, tsv_row *row)
{
    size_t count = 0;
    char *field = line;
    for (;;) {
        char *tab = strchr(field, '\t');
        if (count < 7)
            row->fields[count] = field;
        count++;
        if (tab == NULL)
            break;
        *tab = '\0';
        field = tab + 1;
    }
    return count == 7;
}

static void every_manual_example_matches_data_check_and_bars(void)
{
    char path[1024];
    char *text = test_read_file(test_data_path(TSV_NAME, path, sizeof(path)));
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    int rows = 0;
    int zint_compared = 0;
    char *line = strchr(text, '\n'); /* skip the header */
    while (line != NULL && line[1] != '\0') {
        line++;
        char *end = strchr(line, '\n');
        if (end != NULL)
            *end = '\0';
        tsv_row row;
        CU_ASSERT_FATAL(split_tsv_line(line, &row));
        char address[512];
        snprintf(address, sizeof(address), "%s%s%s", row.fields[2],
                 row.fields[3][0] != '\0' ? " " : "", row.fields[3]);

        barcode_symbol symbol;
        CU_ASSERT_EQUAL(barcode_encode(row.fields[0], address, &symbol), KG_OK);
        CU_ASSERT_STRING_EQUAL(symbol.data, row.fields[4]);
        CU_ASSERT_EQUAL(symbol.check, row.fields[5][0]);
        CU_ASSERT_STRING_EQUAL(symbol.bars, row.fields[6]);
        if (strcmp(symbol.data, row.fields[4]) != 0 || symbol.check != row.fields[5][0] ||
            strcmp(symbol.bars, row.fields[6]) != 0)
            fprintf(stderr, "\nrow %s %s: got %s %c %s\n", row.fields[0], address, symbol.data,
                    symbol.check, symbol.bars);

        /* zint on the same text: only where the text fits 20 symbol characters without a
         * letter cut in two (zint refuses longer input instead of cutting it). */
        char zint_text[64];
        memcpy(zint_text, symbol.data, 7);
        CU_ASSERT_EQUAL(
            barcode_extract(address, strlen(address), zint_text + 7, sizeof(zint_text) - 7), KG_OK);
        char bars[BARCODE_BAR_COUNT + 1];
        if (zint_bars(zint_text, bars) == 0) {
            CU_ASSERT_STRING_EQUAL(bars, symbol.bars);
            zint_compared++;
        }
        rows++;
        line = end;
    }
    CU_ASSERT_EQUAL(rows, 18);
    CU_ASSERT(zint_compared >= 13);
    free(text);
}

/* ---- extraction rules -------------------------------------------------------------- */

static void fullwidth_digits_and_letters_become_halfwidth_uppercase(void)
{
    assert_extract("３丁目３０－８", "3-30-8");
    assert_extract("Ｂ６０４号", "B604");
    assert_extract("ｂ６０４", "B604");
    assert_extract("b604", "B604");
}

static void kanji_numerals_before_chome_ban_go_chiwari_sen_no_are_converted(void)
{
    assert_extract("三丁目", "3");
    assert_extract("十一丁目六番地一号", "11-6-1");
    assert_extract("四丁六番十九号", "4-6-19");
    assert_extract("第二十一地割大淵川480", "21-480");
    assert_extract("七線　西28", "7-28");
    assert_extract("百一番地", "101");
    assert_extract("二〇五号", "205");
    assert_extract("千二百三十四番地", "1234");
    assert_extract("三の五番", "3-5");
    assert_extract("三ノ五号", "3-5");
    assert_extract("郵便センター六号館", "6");
}

static void kanji_numerals_elsewhere_are_separators(void)
{
    assert_extract("第二郵便ビル101", "101");
    assert_extract("5番 三井ビル", "5");
    assert_extract("三の五", "3");  /* 五 is followed by no marker */
    assert_extract("二地区3", "3"); /* 地 without 割 is no marker */
}

static void chome_banchi_go_blanks_and_hyphen_variants_become_one_hyphen(void)
{
    assert_extract("1丁目2番地3号", "1-2-3");
    assert_extract("1－2‐3−4―5ー6–7", "1-2-3-4-5-6-7");
    assert_extract("1--2  3", "1-2-3");
    assert_extract("1　 2", "1-2");
    assert_extract("3丁目-20-5", "3-20-5");
}

static void leading_and_trailing_hyphens_are_dropped(void)
{
    assert_extract("-1-2-", "1-2");
    assert_extract("南1号", "1");
    assert_extract("郵便ビル", "");
    assert_extract("", "");
}

static void single_letters_are_kept_and_the_hyphens_around_them_dropped(void)
{
    assert_extract("A棟1F1号", "A1-1");
    assert_extract("3-B", "3B");
    assert_extract("LプラザB106", "LB106");
    assert_extract("J1ビル2-B", "J1-2B");
    assert_extract("Z-9", "Z9");
}

static void runs_of_two_or_more_letters_are_dropped(void)
{
    assert_extract("5-6-3 ABCビル10F", "5-6-3-10");
    assert_extract("郵便・A&bコーポB604号", "B604");
    assert_extract("Ab1", "1");
    assert_extract("1 AB 2", "1-2");
}

static void f_right_after_a_digit_is_a_floor_and_a_separator(void)
{
    assert_extract("ABCビル10F", "10");
    assert_extract("1F1号", "1-1");
    assert_extract("2Ｆ", "2");
    assert_extract("F棟3", "F3"); /* not after a digit: a letter like any other */
    assert_extract("3B", "3B");   /* only F reads as a floor */
}

static void ampersand_slash_nakaguro_and_period_are_removed(void)
{
    assert_extract("A&B", "");    /* one run of two letters */
    assert_extract("A・1", "A1"); /* removed, not a separator */
    assert_extract("3.4", "34");
    assert_extract("3／4", "34");
}

static void address_that_is_not_utf8_is_an_error(void)
{
    const char *const bad[] = {"\xff", "1\xe3\x81", "\xc0\xaf", "\xed\xa0\x80", "\xf5\x80\x80\x80"};
    for (size_t case_idx = 0; case_idx < sizeof(bad) / sizeof(bad[0]); case_idx++) {
        char number[16];
        CU_ASSERT_EQUAL(
            barcode_extract(bad[case_idx], strlen(bad[case_idx]), number, sizeof(number)),
            KG_ERR_ADDRESS_ENCODING);
        CU_ASSERT_STRING_EQUAL(number, "");
    }
    barcode_symbol symbol;
    CU_ASSERT_EQUAL(barcode_encode("2630023", "1\xff", &symbol), KG_ERR_ADDRESS_ENCODING);
    CU_ASSERT_STRING_EQUAL(kg_err_code(KG_ERR_ADDRESS_ENCODING), "address_encoding");
}

static void extraction_is_cut_at_the_buffer_size(void)
{
    char number[5];
    CU_ASSERT_EQUAL(barcode_extract("1-2-3-4", 7, number, sizeof(number)), KG_OK);
    CU_ASSERT_STRING_EQUAL(number, "1-2-");
    CU_ASSERT_EQUAL(barcode_extract("1", 1, number, 0), KG_ERR_INTERNAL);
}

/* ---- postal code, padding, truncation, check --------------------------------------- */

static void postal_code_is_seven_digits_with_an_optional_hyphen(void)
{
    assert_encode("263-0023", "3丁目30-8 郵便ビル403号", "26300233-30-8-403ddd", '5');
    assert_encode("2630023", "3丁目30-8 郵便ビル403号", "26300233-30-8-403ddd", '5');
    const char *const bad[] = {"",         "263002",   "26300231",       "263-00231", "26-30023",
                               "2630-023", "263 0023", "２６３００２３", "263-002a",  "-2630023"};
    for (size_t case_idx = 0; case_idx < sizeof(bad) / sizeof(bad[0]); case_idx++) {
        barcode_symbol symbol;
        CU_ASSERT_EQUAL(barcode_encode(bad[case_idx], "1", &symbol), KG_ERR_POSTAL_CODE);
        CU_ASSERT_STRING_EQUAL(symbol.data, "");
    }
    CU_ASSERT_STRING_EQUAL(kg_err_code(KG_ERR_POSTAL_CODE), "bad_postal_code");
}

static void postal_code_ending_in_00_gets_no_barcode(void)
{
    barcode_symbol symbol;
    CU_ASSERT_EQUAL(barcode_encode("100-0000", "1丁目", &symbol), KG_ERR_POSTAL_CODE_NO_BARCODE);
    CU_ASSERT_EQUAL(barcode_encode("1638700", "", &symbol), KG_ERR_POSTAL_CODE_NO_BARCODE);
    CU_ASSERT_EQUAL(barcode_encode("1638701", "", &symbol), KG_OK);
    CU_ASSERT_EQUAL(barcode_encode("1000010", "", &symbol), KG_OK);
    CU_ASSERT_STRING_EQUAL(kg_err_code(KG_ERR_POSTAL_CODE_NO_BARCODE),
                           "representative_postal_code");
    CU_ASSERT_STRING_EQUAL(kg_strerror(KG_ERR_POSTAL_CODE_NO_BARCODE),
                           "postal code ends in 00: no customer barcode is printed");
}

static void short_data_is_padded_with_cc4(void)
{
    assert_encode("2630023", "", "2630023ddddddddddddd", 'a');
    assert_encode("2630023", NULL, "2630023ddddddddddddd", 'a');
    assert_encode("4070033", "韮崎400", "4070033400dddddddddd", '-');
}

static void long_data_is_cut_at_20_and_a_split_letter_keeps_its_control_code(void)
{
    barcode_symbol symbol;
    /* 13 address characters exactly: nothing cut, no padding */
    CU_ASSERT_EQUAL(barcode_from_text("12345671234567890123", 20, &symbol), KG_OK);
    CU_ASSERT_STRING_EQUAL(symbol.data, "12345671234567890123");
    /* a letter whose digit would be the 21st: its control code stays on the 20th */
    CU_ASSERT_EQUAL(barcode_from_text("9100067"
                                      "3-80-25J1-2B",
                                      19, &symbol),
                    KG_OK);
    CU_ASSERT_STRING_EQUAL(symbol.data, "91000673-80-25a91-2a");
    /* a letter ending exactly on the 20th */
    CU_ASSERT_EQUAL(barcode_from_text("1234567"
                                      "12345678901Z",
                                      19, &symbol),
                    KG_OK);
    CU_ASSERT_STRING_EQUAL(symbol.data, "123456712345678901c5");
    /* a hyphen on the 20th stays (the trailing-hyphen rule applies before the cut) */
    assert_encode("0640804", "29丁目1524-23 第2郵便ハウス501", "064080429-1524-23-2-", '3');
    /* letters: A-J CC1, K-T CC2, U-Z CC3, then the digit */
    CU_ASSERT_EQUAL(barcode_from_text("1234567AJKTUZ", 13, &symbol), KG_OK);
    CU_ASSERT_STRING_EQUAL(symbol.data, "1234567a0a9b0b9c0c5d");
}

static void from_text_rejects_what_extraction_never_produces(void)
{
    barcode_symbol symbol;
    CU_ASSERT_EQUAL(barcode_from_text("263002", 6, &symbol), KG_ERR_INTERNAL);
    CU_ASSERT_EQUAL(barcode_from_text("263002A", 7, &symbol), KG_ERR_INTERNAL);
    CU_ASSERT_EQUAL(barcode_from_text("2630023a", 8, &symbol), KG_ERR_INTERNAL);
    CU_ASSERT_EQUAL(barcode_from_text("2630023 1", 9, &symbol), KG_ERR_INTERNAL);
}

static void check_makes_the_sum_a_multiple_of_19(void)
{
    /* 2+6+3+0+0+2+3+3+10+3+0+10+8+10+4+0+3+14*3 = 109; 109 + 5 = 114 = 6 x 19 */
    assert_encode("2630023", "3丁目30-8 郵便ビル403号", "26300233-30-8-403ddd", '5');
    CU_ASSERT_EQUAL(barcode_char_value('0'), 0);
    CU_ASSERT_EQUAL(barcode_char_value('9'), 9);
    CU_ASSERT_EQUAL(barcode_char_value('-'), 10);
    CU_ASSERT_EQUAL(barcode_char_value('a'), 11);
    CU_ASSERT_EQUAL(barcode_char_value('h'), 18);
    CU_ASSERT_EQUAL(barcode_char_value('i'), -1);
    CU_ASSERT_EQUAL(barcode_char_value('A'), -1);
    /* a remainder of 0 gives check 0, not 19 */
    barcode_symbol symbol;
    CU_ASSERT_EQUAL(barcode_from_text("2730102"
                                      "3-20-5B604",
                                      17, &symbol),
                    KG_OK);
    CU_ASSERT_EQUAL(symbol.check, '0');
}

/* Deterministic texts over every character zint and we accept, up to 20 symbols. */
static void random_text(unsigned long *state, char *text)
{
    static const char alphabet[] = "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    size_t len = 0;
    for (; len < 7; len++) {
        *state = *state * 6364136223846793005UL + 1442695040888963407UL;
        text[len] = (char)('0' + (*state >> 33) % 10);
    }
    *state = *state * 6364136223846793005UL + 1442695040888963407UL;
    size_t symbols_wanted = (*state >> 33) % 14;
    size_t symbols = 0;
    while (symbols < symbols_wanted) {
        *state = *state * 6364136223846793005UL + 1442695040888963407UL;
        char next = alphabet[(*state >> 33) % (sizeof(alphabet) - 1)];
        size_t width = next >= 'A' ? 2 : 1;
        if (symbols + width > 13)
            break;
        text[len++] = next;
        symbols += width;
    }
    text[len] = '\0';
}

static void bars_and_check_agree_with_zint_on_20000_texts(void)
{
    unsigned long state = 20240401UL;
    int checks_seen[19] = {0};
    int mismatches = 0;
    for (int case_idx = 0; case_idx < 20000; case_idx++) {
        char text[32];
        random_text(&state, text);
        barcode_symbol symbol;
        CU_ASSERT_EQUAL_FATAL(barcode_from_text(text, strlen(text), &symbol), KG_OK);
        char bars[BARCODE_BAR_COUNT + 1];
        CU_ASSERT_EQUAL_FATAL(zint_bars(text, bars), 0);
        if (strcmp(bars, symbol.bars) != 0 && mismatches++ < 5)
            fprintf(stderr, "\n%s: ours %s zint %s\n", text, symbol.bars, bars);
        checks_seen[barcode_char_value(symbol.check)] = 1;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    for (int value = 0; value < 19; value++)
        CU_ASSERT(checks_seen[value]); /* every character's bars went through the check */
}

static void symbol_starts_and_stops_with_fd_and_df(void)
{
    barcode_symbol symbol;
    CU_ASSERT_EQUAL(barcode_encode("1000013", "1丁目3番2号 郵便プラザ503室", &symbol), KG_OK);
    CU_ASSERT_STRING_EQUAL(symbol.data, "10000131-3-2-503dddd");
    CU_ASSERT_EQUAL(symbol.check, '9');
    CU_ASSERT_EQUAL(strncmp(symbol.bars, "FD", 2), 0);
    CU_ASSERT_STRING_EQUAL(symbol.bars + BARCODE_BAR_COUNT - 2, "DF");
}

int tests_register_barcode(void)
{
    static const test_case cases[] = {
        {"every_manual_example_matches_data_check_and_bars",
         every_manual_example_matches_data_check_and_bars},
        {"fullwidth_digits_and_letters_become_halfwidth_uppercase",
         fullwidth_digits_and_letters_become_halfwidth_uppercase},
        {"kanji_numerals_before_chome_ban_go_chiwari_sen_no_are_converted",
         kanji_numerals_before_chome_ban_go_chiwari_sen_no_are_converted},
        {"kanji_numerals_elsewhere_are_separators", kanji_numerals_elsewhere_are_separators},
        {"chome_banchi_go_blanks_and_hyphen_variants_become_one_hyphen",
         chome_banchi_go_blanks_and_hyphen_variants_become_one_hyphen},
        {"leading_and_trailing_hyphens_are_dropped", leading_and_trailing_hyphens_are_dropped},
        {"single_letters_are_kept_and_the_hyphens_around_them_dropped",
         single_letters_are_kept_and_the_hyphens_around_them_dropped},
        {"runs_of_two_or_more_letters_are_dropped", runs_of_two_or_more_letters_are_dropped},
        {"f_right_after_a_digit_is_a_floor_and_a_separator",
         f_right_after_a_digit_is_a_floor_and_a_separator},
        {"ampersand_slash_nakaguro_and_period_are_removed",
         ampersand_slash_nakaguro_and_period_are_removed},
        {"address_that_is_not_utf8_is_an_error", address_that_is_not_utf8_is_an_error},
        {"extraction_is_cut_at_the_buffer_size", extraction_is_cut_at_the_buffer_size},
        {"postal_code_is_seven_digits_with_an_optional_hyphen",
         postal_code_is_seven_digits_with_an_optional_hyphen},
        {"postal_code_ending_in_00_gets_no_barcode", postal_code_ending_in_00_gets_no_barcode},
        {"short_data_is_padded_with_cc4", short_data_is_padded_with_cc4},
        {"long_data_is_cut_at_20_and_a_split_letter_keeps_its_control_code",
         long_data_is_cut_at_20_and_a_split_letter_keeps_its_control_code},
        {"from_text_rejects_what_extraction_never_produces",
         from_text_rejects_what_extraction_never_produces},
        {"check_makes_the_sum_a_multiple_of_19", check_makes_the_sum_a_multiple_of_19},
        {"bars_and_check_agree_with_zint_on_20000_texts",
         bars_and_check_agree_with_zint_on_20000_texts},
        {"symbol_starts_and_stops_with_fd_and_df", symbol_starts_and_stops_with_fd_and_df},
        {NULL, NULL},
    };
    return tests_add_suite("barcode", cases);
}
