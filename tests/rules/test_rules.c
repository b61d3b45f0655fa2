/*
 * test_rules.c - named cases of docs/rules.md sections 2 to 4, one rule per case: E1 around
 * the birthday, E2 (29 February, both readings), the published W1 examples and their W2
 * readings, the caps of E3/E4 and their tie order, E1b inside and outside the window,
 * E5 juki, E7 recorded expiries, the N1 due test, the mover window and age.
 */
#include <string.h>

#include "rules/rules.h"
#include "test.h"

/* One certificate line as the filter would see it; NULL means the column is empty. */
typedef struct cert_case {
    cert_type type;
    const char *birth, *issued, *card, *stay, *auth, *prev, *recorded;
} cert_case;

static kdate optional_date(const char *iso)
{
    return iso == NULL ? KDATE_NONE : test_date(iso);
}

static rules_cert make_cert(const cert_case *line)
{
    rules_cert cert;
    rules_cert_init(&cert, line->type);
    cert.birth_date = optional_date(line->birth);
    cert.issued_on = optional_date(line->issued);
    cert.card_expires = optional_date(line->card);
    cert.stay_expires = optional_date(line->stay);
    cert.auth_expires = optional_date(line->auth);
    cert.prev_expiry = optional_date(line->prev);
    cert.recorded_expiry = optional_date(line->recorded);
    return cert;
}

static void expect(const cert_case *line, const rules_config *config, const char *expiry,
                   const char *window_open, expiry_cause cause)
{
    rules_cert cert = make_cert(line);
    rules_expiry result;
    kg_err err = rules_expiry_of(&cert, config, &result);
    CU_ASSERT_EQUAL(err, KG_OK);
    if (err != KG_OK)
        return;
    ASSERT_DATE(result.expiry, expiry);
    ASSERT_DATE(result.window_open, window_open);
    CU_ASSERT_STRING_EQUAL(rules_cause_name(result.cause), rules_cause_name(cause));
}

static void expect_default(const cert_case *line, const char *expiry, const char *window_open,
                           expiry_cause cause)
{
    rules_config config = rules_config_default();
    expect(line, &config, expiry, window_open, cause);
}

static void expect_error(const cert_case *line, kg_err expected)
{
    rules_config config = rules_config_default();
    rules_cert cert = make_cert(line);
    rules_expiry result;
    CU_ASSERT_EQUAL(rules_expiry_of(&cert, &config, &result), expected);
}

static void issued_on_birthday_counts_next_year(void)
{
    cert_case line = {CERT_SIGN, "1990-06-15", "2021-06-15", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2026-06-15", "2026-03-16", CAUSE_BIRTHDAY);
}

static void issued_day_before_birthday_counts_that_birthday(void)
{
    cert_case line = {CERT_AUTH, "1990-06-15", "2021-06-14", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2025-06-15", "2025-03-16", CAUSE_BIRTHDAY);
}

static void issued_day_after_birthday_counts_next_year(void)
{
    cert_case line = {CERT_AUTH, "1990-06-15", "2021-06-16", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2026-06-15", "2026-03-16", CAUSE_BIRTHDAY);
}

static void born_feb29_issued_in_leap_year_after_birthday(void)
{
    cert_case line = {CERT_AUTH, "2000-02-29", "2020-03-01", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2025-02-28", "2024-11-29", CAUSE_BIRTHDAY);
    rules_config mar1 = {.window_w2 = false, .feb29 = FEB29_AS_MAR1};
    expect(&line, &mar1, "2025-03-01", "2024-12-02", CAUSE_BIRTHDAY);
}

static void born_feb29_issued_day_before_leap_birthday(void)
{
    cert_case line = {CERT_AUTH, "2000-02-29", "2020-02-28", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2024-02-29", "2023-11-30", CAUSE_BIRTHDAY);
    rules_config mar1 = {.window_w2 = false, .feb29 = FEB29_AS_MAR1};
    expect(&line, &mar1, "2024-02-29", "2023-11-30", CAUSE_BIRTHDAY);
}

static void born_feb29_issued_on_leap_birthday(void)
{
    cert_case line = {CERT_SIGN, "2000-02-29", "2020-02-29", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2025-02-28", "2024-11-29", CAUSE_BIRTHDAY);
    rules_config mar1 = {.window_w2 = false, .feb29 = FEB29_AS_MAR1};
    expect(&line, &mar1, "2025-03-01", "2024-12-02", CAUSE_BIRTHDAY);
}

static void born_feb29_issued_on_feb28_of_common_year(void)
{
    /* Feb 28 is the birthday in 2021 under the default reading, so it does not count. */
    cert_case line = {CERT_SIGN, "2000-02-29", "2021-02-28", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2026-02-28", "2025-11-29", CAUSE_BIRTHDAY);
    rules_config mar1 = {.window_w2 = false, .feb29 = FEB29_AS_MAR1};
    expect(&line, &mar1, "2025-03-01", "2024-12-02", CAUSE_BIRTHDAY);
}

static void born_feb29_fifth_birthday_in_leap_year(void)
{
    cert_case line = {CERT_AUTH, "2000-02-29", "2019-03-01", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2024-02-29", "2023-11-30", CAUSE_BIRTHDAY);
    rules_config mar1 = {.window_w2 = false, .feb29 = FEB29_AS_MAR1};
    expect(&line, &mar1, "2024-02-29", "2023-11-30", CAUSE_BIRTHDAY);
}

static void assert_windows(const char *expiry, const char *w1, const char *w2)
{
    kdate open;
    CU_ASSERT_EQUAL(rules_window_open_w1(test_date(expiry), &open), KG_OK);
    ASSERT_DATE(open, w1);
    CU_ASSERT_EQUAL(rules_window_open_w2(test_date(expiry), &open), KG_OK);
    ASSERT_DATE(open, w2);
}

static void published_window_examples_w1_and_w2(void)
{
    /* docs/rules.md W1 (Nerima, Yachiyo, Tsurugashima) and the W2 reading of each */
    assert_windows("2025-07-07", "2025-04-08", "2025-04-07");
    assert_windows("2025-06-15", "2025-03-16", "2025-03-15");
    assert_windows("2025-04-01", "2025-01-02", "2025-01-01");
    assert_windows("2025-05-30", "2025-03-01", "2025-02-28");
    assert_windows("2025-05-31", "2025-03-01", "2025-02-28");
    assert_windows("2024-05-30", "2024-03-01", "2024-02-29");
    assert_windows("2024-05-31", "2024-03-01", "2024-02-29");
}

static void window_month_ends_and_year_turns(void)
{
    assert_windows("2024-05-29", "2024-03-01", "2024-02-29");
    assert_windows("2025-05-29", "2025-03-01", "2025-02-28");
    assert_windows("2025-05-28", "2025-03-01", "2025-02-28");
    assert_windows("2024-05-28", "2024-02-29", "2024-02-28");
    assert_windows("2026-02-28", "2025-11-29", "2025-11-28");
    assert_windows("2028-02-29", "2027-11-30", "2027-11-29");
    assert_windows("2026-03-31", "2026-01-01", "2025-12-31");
    assert_windows("2026-01-31", "2025-11-01", "2025-10-31");
    assert_windows("2025-12-31", "2025-10-01", "2025-09-30");
    assert_windows("2026-01-01", "2025-10-02", "2025-10-01");
}

static void w2_switch_moves_window_open(void)
{
    cert_case line = {CERT_AUTH, "1990-05-31", "2020-06-01", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2025-05-31", "2025-03-01", CAUSE_BIRTHDAY);
    rules_config w2 = {.window_w2 = true, .feb29 = FEB29_AS_FEB28};
    expect(&line, &w2, "2025-05-31", "2025-02-28", CAUSE_BIRTHDAY);
}

static void card_expiring_first_caps_certificate(void)
{
    cert_case line = {CERT_AUTH, "1990-06-15", "2021-06-15", "2025-12-01", NULL, NULL, NULL, NULL};
    expect_default(&line, "2025-12-01", "2025-09-02", CAUSE_CARD);
}

static void card_expiring_later_does_not_cap(void)
{
    cert_case line = {CERT_AUTH, "1990-06-15", "2021-06-15", "2031-06-15", NULL, NULL, NULL, NULL};
    expect_default(&line, "2026-06-15", "2026-03-16", CAUSE_BIRTHDAY);
}

static void stay_period_ending_first_caps_certificate(void)
{
    cert_case line = {CERT_SIGN,    "1985-01-10", "2022-04-01", "2032-01-10",
                      "2024-08-31", NULL,         NULL,         NULL};
    expect_default(&line, "2024-08-31", "2024-06-01", CAUSE_STAY_PERIOD);
}

static void auth_expiring_first_caps_sign(void)
{
    cert_case line = {CERT_SIGN, "1990-06-15", "2021-06-15", NULL, NULL, "2026-01-10", NULL, NULL};
    expect_default(&line, "2026-01-10", "2025-10-11", CAUSE_AUTH_CERT);
}

static void auth_cap_does_not_apply_to_auth(void)
{
    cert_case line = {CERT_AUTH, "1990-06-15", "2021-06-15", NULL, NULL, "2022-01-10", NULL, NULL};
    expect_default(&line, "2026-06-15", "2026-03-16", CAUSE_BIRTHDAY);
}

static void ties_follow_cause_order(void)
{
    const char *birthday = "2026-06-15"; /* 5th birthday after 2021-06-15 */
    cert_case card_tie = {CERT_SIGN, "1990-06-15", "2021-06-15", birthday, NULL, NULL, NULL, NULL};
    expect_default(&card_tie, birthday, "2026-03-16", CAUSE_CARD);
    cert_case stay_card_tie = {CERT_SIGN,    "1990-06-15", "2021-06-15", "2025-01-31",
                               "2025-01-31", NULL,         NULL,         NULL};
    expect_default(&stay_card_tie, "2025-01-31", "2024-11-01", CAUSE_STAY_PERIOD);
    cert_case auth_birthday_tie = {CERT_SIGN, "1990-06-15", "2021-06-15", NULL,
                                   NULL,      birthday,     NULL,         NULL};
    expect_default(&auth_birthday_tie, birthday, "2026-03-16", CAUSE_BIRTHDAY);
    cert_case all_tie = {CERT_SIGN, "1990-06-15", "2021-06-15", birthday,
                         birthday,  birthday,     NULL,         NULL};
    expect_default(&all_tie, birthday, "2026-03-16", CAUSE_STAY_PERIOD);
    cert_case card_auth_tie = {CERT_SIGN, "1990-06-15", "2021-06-15", "2025-09-30",
                               NULL,      "2025-09-30", NULL,         NULL};
    expect_default(&card_auth_tie, "2025-09-30", "2025-07-01", CAUSE_CARD);
    cert_case stay_auth_tie = {CERT_SIGN,    "1990-06-15", "2021-06-15", NULL,
                               "2025-09-30", "2025-09-30", NULL,         NULL};
    expect_default(&stay_auth_tie, "2025-09-30", "2025-07-01", CAUSE_STAY_PERIOD);
}

static void renewal_inside_previous_window_gets_sixth_birthday(void)
{
    /* previous expiry 2021-08-01: W1 window opened 2021-05-02 */
    cert_case inside = {CERT_AUTH, "1990-06-15", "2021-06-15", NULL,
                        NULL,      NULL,         "2021-08-01", NULL};
    expect_default(&inside, "2027-06-15", "2027-03-16", CAUSE_BIRTHDAY);
    /* issued before the 2021 birthday, so the 6th birthday after issue is in 2026 */
    cert_case on_open = {CERT_AUTH, "1990-06-15", "2021-05-02", NULL,
                         NULL,      NULL,         "2021-08-01", NULL};
    expect_default(&on_open, "2026-06-15", "2026-03-16", CAUSE_BIRTHDAY);
    cert_case on_expiry = {CERT_SIGN, "1990-06-15", "2021-08-01", NULL,
                           NULL,      NULL,         "2021-08-01", NULL};
    expect_default(&on_expiry, "2027-06-15", "2027-03-16", CAUSE_BIRTHDAY);
}

static void renewal_outside_previous_window_gets_fifth_birthday(void)
{
    cert_case before_open = {CERT_AUTH, "1990-06-15", "2021-05-01", NULL,
                             NULL,      NULL,         "2021-08-01", NULL};
    expect_default(&before_open, "2025-06-15", "2025-03-16", CAUSE_BIRTHDAY);
    cert_case after_expiry = {CERT_AUTH, "1990-06-15", "2021-08-02", NULL,
                              NULL,      NULL,         "2021-08-01", NULL};
    expect_default(&after_expiry, "2026-06-15", "2026-03-16", CAUSE_BIRTHDAY);
}

static void renewal_window_for_e1b_is_always_w1(void)
{
    /* Under W2 the previous window would open 2021-05-01; E1b still uses W1 (05-02). */
    rules_config w2 = {.window_w2 = true, .feb29 = FEB29_AS_FEB28};
    cert_case line = {CERT_AUTH, "1990-06-15", "2021-05-01", NULL, NULL, NULL, "2021-08-01", NULL};
    expect(&line, &w2, "2025-06-15", "2025-03-15", CAUSE_BIRTHDAY);
}

static void renewal_sixth_birthday_is_still_capped_by_card(void)
{
    cert_case line = {CERT_AUTH, "1990-06-15", "2021-06-15", "2026-12-31",
                      NULL,      NULL,         "2021-08-01", NULL};
    expect_default(&line, "2026-12-31", "2026-10-01", CAUSE_CARD);
}

static void juki_lasts_three_years_from_issue(void)
{
    cert_case line = {CERT_JUKI, "1950-04-01", "2012-03-15", NULL, NULL, NULL, NULL, NULL};
    expect_default(&line, "2015-03-15", "2014-12-16", CAUSE_TERM);
    cert_case leap = {CERT_JUKI, NULL, "2012-02-29", NULL, NULL, NULL, NULL, NULL};
    expect_default(&leap, "2015-02-28", "2014-11-29", CAUSE_TERM);
    cert_case last_day = {CERT_JUKI, NULL, "2015-12-22", NULL, NULL, NULL, NULL, NULL};
    expect_default(&last_day, "2018-12-22", "2018-09-23", CAUSE_TERM);
    cert_case card_first = {CERT_JUKI, NULL, "2012-03-15", "2014-01-31", NULL, NULL, NULL, NULL};
    expect_default(&card_first, "2014-01-31", "2013-11-01", CAUSE_CARD);
}

static void juki_after_2015_is_rejected(void)
{
    cert_case line = {CERT_JUKI, NULL, "2015-12-23", NULL, NULL, NULL, NULL, NULL};
    expect_error(&line, KG_ERR_JUKI_TOO_LATE);
}

static void inconsistent_dates_are_errors(void)
{
    cert_case no_birth = {CERT_SIGN, NULL, "2021-06-15", NULL, NULL, NULL, NULL, NULL};
    expect_error(&no_birth, KG_ERR_BIRTH_MISSING);
    cert_case no_issue = {CERT_AUTH, "1990-06-15", NULL, NULL, NULL, NULL, NULL, NULL};
    expect_error(&no_issue, KG_ERR_ISSUE_MISSING);
    cert_case before_birth = {CERT_AUTH, "2021-06-15", "2021-06-14", NULL, NULL, NULL, NULL, NULL};
    expect_error(&before_birth, KG_ERR_ISSUED_BEFORE_BIRTH);
    cert_case card_early = {CERT_AUTH, "1990-06-15", "2021-06-15", "2021-06-14",
                            NULL,      NULL,         NULL,         NULL};
    expect_error(&card_early, KG_ERR_CARD_BEFORE_ISSUE);
    cert_case stay_early = {CERT_AUTH,    "1990-06-15", "2021-06-15", NULL,
                            "2020-01-01", NULL,         NULL,         NULL};
    expect_error(&stay_early, KG_ERR_STAY_BEFORE_ISSUE);
    cert_case auth_early = {CERT_SIGN, "1990-06-15", "2021-06-15", NULL,
                            NULL,      "2021-06-01", NULL,         NULL};
    expect_error(&auth_early, KG_ERR_AUTH_BEFORE_ISSUE);
    cert_case issued_on_birth = {CERT_AUTH, "2021-06-15", "2021-06-15", NULL,
                                 NULL,      NULL,         NULL,         NULL};
    expect_default(&issued_on_birth, "2026-06-15", "2026-03-16", CAUSE_BIRTHDAY);
    cert_case card_on_issue_day = {CERT_AUTH, "1990-06-15", "2021-06-15", "2021-06-15",
                                   NULL,      NULL,         NULL,         NULL};
    expect_default(&card_on_issue_day, "2021-06-15", "2021-03-16", CAUSE_CARD);
}

static void unknown_type_is_rejected(void)
{
    cert_type type;
    CU_ASSERT_EQUAL(rules_cert_type_parse("sign", 4, &type), KG_OK);
    CU_ASSERT_EQUAL(type, CERT_SIGN);
    CU_ASSERT_EQUAL(rules_cert_type_parse("juki", 4, &type), KG_OK);
    CU_ASSERT_EQUAL(type, CERT_JUKI);
    CU_ASSERT_EQUAL(rules_cert_type_parse("Sign", 4, &type), KG_ERR_CERT_TYPE);
    CU_ASSERT_EQUAL(rules_cert_type_parse("", 0, &type), KG_ERR_CERT_TYPE);
    CU_ASSERT_EQUAL(rules_cert_type_parse("signx", 5, &type), KG_ERR_CERT_TYPE);
    cert_case bad = {(cert_type)7, "1990-06-15", "2021-06-15", NULL, NULL, NULL, NULL, NULL};
    expect_error(&bad, KG_ERR_CERT_TYPE);
}

static void recorded_expiry_is_authoritative_and_mismatch_reported(void)
{
    rules_config config = rules_config_default();
    cert_case differs = {CERT_AUTH, "1990-06-15", "2021-06-15", NULL,
                         NULL,      NULL,         NULL,         "2026-06-14"};
    rules_cert cert = make_cert(&differs);
    rules_expiry result;
    CU_ASSERT_EQUAL_FATAL(rules_expiry_of(&cert, &config, &result), KG_OK);
    ASSERT_DATE(result.expiry, "2026-06-14");
    ASSERT_DATE(result.window_open, "2026-03-15");
    CU_ASSERT_EQUAL(result.cause, CAUSE_RECORDED);
    ASSERT_DATE(result.computed_expiry, "2026-06-15");
    CU_ASSERT_EQUAL(result.computed_cause, CAUSE_BIRTHDAY);
    CU_ASSERT_TRUE(result.recorded_mismatch);

    cert_case agrees = {CERT_AUTH, "1990-06-15", "2021-06-15", "2026-06-15",
                        NULL,      NULL,         NULL,         "2026-06-15"};
    cert = make_cert(&agrees);
    CU_ASSERT_EQUAL_FATAL(rules_expiry_of(&cert, &config, &result), KG_OK);
    ASSERT_DATE(result.expiry, "2026-06-15");
    CU_ASSERT_EQUAL(result.cause, CAUSE_CARD); /* the informative cause is kept */
    CU_ASSERT_FALSE(result.recorded_mismatch);
}

static void due_from_lead_days_before_window_through_expiry(void)
{
    kdate window_open = test_date("2026-03-16");
    kdate expiry = test_date("2026-06-15");
    CU_ASSERT_FALSE(rules_is_due(window_open, expiry, 14, test_date("2026-03-01")));
    CU_ASSERT_TRUE(rules_is_due(window_open, expiry, 14, test_date("2026-03-02")));
    CU_ASSERT_TRUE(rules_is_due(window_open, expiry, 14, test_date("2026-03-16")));
    CU_ASSERT_TRUE(rules_is_due(window_open, expiry, 14, test_date("2026-06-15")));
    CU_ASSERT_FALSE(rules_is_due(window_open, expiry, 14, test_date("2026-06-16")));
    CU_ASSERT_FALSE(rules_is_due(window_open, expiry, 0, test_date("2026-03-15")));
    CU_ASSERT_TRUE(rules_is_due(window_open, expiry, 0, test_date("2026-03-16")));
}

static void mover_window_is_six_months_clamped(void)
{
    kdate start;
    CU_ASSERT_EQUAL(rules_mover_window_start(test_date("2026-08-31"), 6, &start), KG_OK);
    ASSERT_DATE(start, "2026-02-28");
    CU_ASSERT_EQUAL(rules_mover_window_start(test_date("2028-08-31"), 6, &start), KG_OK);
    ASSERT_DATE(start, "2028-02-29");
    CU_ASSERT_EQUAL(rules_mover_window_start(test_date("2026-06-15"), 6, &start), KG_OK);
    ASSERT_DATE(start, "2025-12-15");
    CU_ASSERT_EQUAL(rules_mover_window_start(test_date("2026-12-31"), 6, &start), KG_OK);
    ASSERT_DATE(start, "2026-06-30");
}

static void age_counts_from_the_birthday(void)
{
    int age;
    CU_ASSERT_EQUAL(
        rules_age_on(test_date("2010-06-15"), test_date("2025-06-14"), FEB29_AS_FEB28, &age),
        KG_OK);
    CU_ASSERT_EQUAL(age, 14);
    CU_ASSERT_EQUAL(
        rules_age_on(test_date("2010-06-15"), test_date("2025-06-15"), FEB29_AS_FEB28, &age),
        KG_OK);
    CU_ASSERT_EQUAL(age, 15);
    CU_ASSERT_EQUAL(
        rules_age_on(test_date("2008-02-29"), test_date("2023-02-28"), FEB29_AS_FEB28, &age),
        KG_OK);
    CU_ASSERT_EQUAL(age, 15);
    CU_ASSERT_EQUAL(
        rules_age_on(test_date("2008-02-29"), test_date("2023-02-28"), FEB29_AS_MAR1, &age), KG_OK);
    CU_ASSERT_EQUAL(age, 14);
    CU_ASSERT_EQUAL(
        rules_age_on(test_date("2010-06-15"), test_date("2010-06-15"), FEB29_AS_FEB28, &age),
        KG_OK);
    CU_ASSERT_EQUAL(age, 0);
    CU_ASSERT_EQUAL(
        rules_age_on(test_date("2010-06-15"), test_date("2010-06-14"), FEB29_AS_FEB28, &age),
        KG_ERR_ISSUED_BEFORE_BIRTH);
}

static void names_of_types_and_causes(void)
{
    CU_ASSERT_STRING_EQUAL(rules_cert_type_name(CERT_AUTH), "auth");
    CU_ASSERT_STRING_EQUAL(rules_cause_name(CAUSE_AUTH_CERT), "auth_cert");
    CU_ASSERT_STRING_EQUAL(rules_cause_name(CAUSE_STAY_PERIOD), "stay_period");
    CU_ASSERT_STRING_EQUAL(rules_cause_name((expiry_cause)99), "?");
    CU_ASSERT_STRING_EQUAL(rules_cert_type_name((cert_type)99), "?");
}

static void far_future_overflow_is_an_error(void)
{
    cert_case line = {CERT_AUTH, "1990-06-15", "9998-06-15", NULL, NULL, NULL, NULL, NULL};
    expect_error(&line, KG_ERR_DATE_RANGE);
}

int tests_register_rules(void)
{
    static const test_case cases[] = {
        {"issued_on_birthday_counts_next_year", issued_on_birthday_counts_next_year},
        {"issued_day_before_birthday_counts_that_birthday",
         issued_day_before_birthday_counts_that_birthday},
        {"issued_day_after_birthday_counts_next_year", issued_day_after_birthday_counts_next_year},
        {"born_feb29_issued_in_leap_year_after_birthday",
         born_feb29_issued_in_leap_year_after_birthday},
        {"born_feb29_issued_day_before_leap_birthday", born_feb29_issued_day_before_leap_birthday},
        {"born_feb29_issued_on_leap_birthday", born_feb29_issued_on_leap_birthday},
        {"born_feb29_issued_on_feb28_of_common_year", born_feb29_issued_on_feb28_of_common_year},
        {"born_feb29_fifth_birthday_in_leap_year", born_feb29_fifth_birthday_in_leap_year},
        {"published_window_examples_w1_and_w2", published_window_examples_w1_and_w2},
        {"window_month_ends_and_year_turns", window_month_ends_and_year_turns},
        {"w2_switch_moves_window_open", w2_switch_moves_window_open},
        {"card_expiring_first_caps_certificate", card_expiring_first_caps_certificate},
        {"card_expiring_later_does_not_cap", card_expiring_later_does_not_cap},
        {"stay_period_ending_first_caps_certificate", stay_period_ending_first_caps_certificate},
        {"auth_expiring_first_caps_sign", auth_expiring_first_caps_sign},
        {"auth_cap_does_not_apply_to_auth", auth_cap_does_not_apply_to_auth},
        {"ties_follow_cause_order", ties_follow_cause_order},
        {"renewal_inside_previous_window_gets_sixth_birthday",
         renewal_inside_previous_window_gets_sixth_birthday},
        {"renewal_outside_previous_window_gets_fifth_birthday",
         renewal_outside_previous_window_gets_fifth_birthday},
        {"renewal_window_for_e1b_is_always_w1", renewal_window_for_e1b_is_always_w1},
        {"renewal_sixth_birthday_is_still_capped_by_card",
         renewal_sixth_birthday_is_still_capped_by_card},
        {"juki_lasts_three_years_from_issue", juki_lasts_three_years_from_issue},
        {"juki_after_2015_is_rejected", juki_after_2015_is_rejected},
        {"inconsistent_dates_are_errors", inconsistent_dates_are_errors},
        {"unknown_type_is_rejected", unknown_type_is_rejected},
        {"recorded_expiry_is_authoritative_and_mismatch_reported",
         recorded_expiry_is_authoritative_and_mismatch_reported},
        {"due_from_lead_days_before_window_through_expiry",
         due_from_lead_days_before_window_through_expiry},
        {"mover_window_is_six_months_clamped", mover_window_is_six_months_clamped},
        {"age_counts_from_the_birthday", age_counts_from_the_birthday},
        {"names_of_types_and_causes", names_of_types_and_causes},
        {"far_future_overflow_is_an_error", far_future_overflow_is_an_error},
        {NULL, NULL},
    };
    return tests_add_suite("rules", cases);
}
