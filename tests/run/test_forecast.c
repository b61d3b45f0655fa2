/*
 * test_forecast.c - the renewal-load forecast on hand-made residents: week boundaries
 * (the first Monday after "today"), a visit spread over its window, one visit for a sign
 * and an auth ending together, certificates that are not valid today, the busiest weeks.
 */
#include <math.h>
#include <string.h>

#include "run/forecast.h"
#include "test.h"

#define ASSERT_NEAR(actual, expected) CU_ASSERT(fabs((actual) - (expected)) < 1e-9)

static void first_week_is_the_monday_after_today(void)
{
    /* 2026-12-01 is a Tuesday */
    ASSERT_DATE(forecast_first_week(test_date("2026-12-01")), "2026-12-07");
    ASSERT_DATE(forecast_first_week(test_date("2026-12-06")), "2026-12-07"); /* Sunday */
    ASSERT_DATE(forecast_first_week(test_date("2026-12-07")), "2026-12-14"); /* Monday */
    ASSERT_DATE(forecast_first_week(test_date("1969-12-31")), "1970-01-05"); /* before day 0 */
    ASSERT_DATE(forecast_first_week(test_date("2028-02-28")), "2028-03-06"); /* Monday, leap */
}

static void a_visit_is_spread_over_the_days_of_its_window(void)
{
    forecast fc;
    forecast_init(&fc, test_date("2026-12-01"), 1.0);
    /* a window of exactly weeks 0 and 1: half a visit each */
    CU_ASSERT_EQUAL(
        forecast_add_visit(&fc, "K01", test_date("2026-12-07"), test_date("2026-12-20")), KG_OK);
    /* a window already open: only the 12 days from 12-02 to 12-13 remain, 7 in week 0 */
    CU_ASSERT_EQUAL(
        forecast_add_visit(&fc, "K01", test_date("2026-11-01"), test_date("2026-12-13")), KG_OK);
    /* a window beyond the 26 weeks (from 2027-06-07) adds nothing */
    CU_ASSERT_EQUAL(
        forecast_add_visit(&fc, "K02", test_date("2027-06-07"), test_date("2027-09-06")), KG_OK);
    CU_ASSERT_EQUAL_FATAL(fc.office_count, 2);
    CU_ASSERT_STRING_EQUAL(fc.offices[0].office_code, "K01");
    ASSERT_NEAR(fc.offices[0].visits[0], 0.5 + 7.0 / 12.0);
    ASSERT_NEAR(fc.offices[0].visits[1], 0.5);
    ASSERT_NEAR(forecast_office_total(&fc.offices[0]), 1.0 + 7.0 / 12.0);
    ASSERT_NEAR(forecast_office_total(&fc.offices[1]), 0.0);
    /* the last day of week 25 is 2027-06-06 */
    forecast_free(&fc);
    forecast_init(&fc, test_date("2026-12-01"), 0.5);
    CU_ASSERT_EQUAL(forecast_add_visit(&fc, "", test_date("2027-06-06"), test_date("2027-06-06")),
                    KG_OK);
    ASSERT_NEAR(fc.offices[0].visits[FORECAST_WEEKS - 1], 0.5);
    forecast_free(&fc);
    forecast_free(&fc); /* twice is fine */
}

static select_cert cert(long long id, cert_type type, const char *issued)
{
    select_cert made;
    memset(&made, 0, sizeof(made));
    made.certificate_id = id;
    made.card_id = 1;
    made.type = type;
    made.issued_on = test_date(issued);
    made.revoked_on = KDATE_NONE;
    made.recorded_expiry = KDATE_NONE;
    made.card_issued_on = test_date(issued);
    made.card_expires = test_date("2030-01-01");
    made.card_revoked_on = KDATE_NONE;
    return made;
}

static select_result result(const char *window_open, const char *expiry)
{
    select_result made;
    memset(&made, 0, sizeof(made));
    made.expiry.window_open = test_date(window_open);
    made.expiry.expiry = test_date(expiry);
    return made;
}

static void only_valid_certificates_count_and_a_pair_is_one_visit(void)
{
    select_cert certs[5] = {
        cert(1, CERT_AUTH, "2022-01-10"), cert(2, CERT_SIGN, "2022-01-10"),
        cert(3, CERT_AUTH, "2021-01-10"), /* renewed by 1 */
        cert(4, CERT_SIGN, "2021-06-01"), /* renewed by 2 */
        cert(5, CERT_JUKI, "2015-01-01"),
    };
    select_result results[5] = {
        result("2026-12-07", "2026-12-20"), result("2026-12-07", "2026-12-20"),
        result("2026-12-07", "2026-12-20"), result("2026-12-07", "2026-12-20"),
        result("2026-12-07", "2026-12-20"),
    };
    select_resident res;
    memset(&res, 0, sizeof(res));
    res.certs = certs;
    res.cert_count = 5;
    forecast fc;
    forecast_init(&fc, test_date("2026-12-01"), 1.0);
    CU_ASSERT_EQUAL(forecast_add_resident(&fc, "K01", &res, results), KG_OK);
    CU_ASSERT_EQUAL_FATAL(fc.office_count, 1);
    CU_ASSERT_EQUAL(fc.offices[0].certificates, 2);
    ASSERT_NEAR(forecast_office_total(&fc.offices[0]), 1.0); /* sign + auth: one visit */

    /* revoked, card revoked, void sign, bad data, expired: nothing */
    certs[0].revoked_on = test_date("2026-11-30");
    certs[1].card_revoked_on = test_date("2026-12-01");
    CU_ASSERT_EQUAL(forecast_add_resident(&fc, "K02", &res, results), KG_OK);
    CU_ASSERT_EQUAL(fc.office_count, 2);
    CU_ASSERT_EQUAL(fc.offices[1].certificates, 1); /* 3: its renewal 1 is revoked */
    certs[0].revoked_on = KDATE_NONE;
    certs[1].card_revoked_on = KDATE_NONE;
    select_change change = {test_date("2025-01-01"), CHANGE_NAME};
    res.changes = &change;
    res.change_count = 1;
    results[0].data_error = KG_ERR_BIRTH_MISSING;
    CU_ASSERT_EQUAL(forecast_add_resident(&fc, "K03", &res, results), KG_OK);
    CU_ASSERT_EQUAL(fc.offices[2].certificates, 0);
    results[0].data_error = KG_OK;
    res.change_count = 0;
    results[0].expiry.expiry = test_date("2026-12-01"); /* ends today: no day left */
    results[1].expiry.expiry = test_date("2026-12-01");
    res.removed = false;
    CU_ASSERT_EQUAL(forecast_add_resident(&fc, "K04", &res, results), KG_OK);
    CU_ASSERT_EQUAL(fc.offices[3].certificates, 0);
    res.removed = true;
    CU_ASSERT_EQUAL(forecast_add_resident(&fc, "K05", &res, results), KG_OK);
    CU_ASSERT_EQUAL(fc.office_count, 4);
    forecast_free(&fc);
}

static void busiest_weeks_come_first_and_ties_go_to_the_earlier_week(void)
{
    forecast_office office;
    memset(&office, 0, sizeof(office));
    office.visits[3] = 5;
    office.visits[10] = 9;
    office.visits[20] = 5;
    int weeks[3];
    forecast_busiest(&office, 3, weeks);
    CU_ASSERT_EQUAL(weeks[0], 10);
    CU_ASSERT_EQUAL(weeks[1], 3);
    CU_ASSERT_EQUAL(weeks[2], 20);
}

int tests_register_forecast(void)
{
    static const test_case cases[] = {
        {"first_week_is_the_monday_after_today", first_week_is_the_monday_after_today},
        {"a_visit_is_spread_over_the_days_of_its_window",
         a_visit_is_spread_over_the_days_of_its_window},
        {"only_valid_certificates_count_and_a_pair_is_one_visit",
         only_valid_certificates_count_and_a_pair_is_one_visit},
        {"busiest_weeks_come_first_and_ties_go_to_the_earlier_week",
         busiest_weeks_come_first_and_ties_go_to_the_earlier_week},
        {NULL, NULL},
    };
    return tests_add_suite("forecast", cases);
}
