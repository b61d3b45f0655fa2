/*
 * test_select.c - the per-resident decisions of docs/rules.md section 4, one scenario per
 * reason code and rule (run date 2026-12-01 unless said otherwise, 14 lead days, W1):
 * the exact outcome, reason and expiry of every certificate. The scenarios are the
 * hand-written residents of samples/README.md, built in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reasons.h"
#include "run/select.h"
#include "test.h"

#define RUN_DATE "2026-12-01"

static kdate opt(const char *iso)
{
    return iso == NULL ? KDATE_NONE : test_date(iso);
}

/* A current, deliverable resident born `birth`, without certificates. */
static select_resident person(const char *birth)
{
    select_resident res;
    memset(&res, 0, sizeof(res));
    res.resident_id = 1;
    res.birth_date = opt(birth);
    res.removed_on = KDATE_NONE;
    res.stay_expires = KDATE_NONE;
    res.has_postal_code = true;
    res.has_address = true;
    return res;
}

/* A certificate on card 1 (issued 2021-01-01, expires 2036-01-01, not revoked). */
static select_cert cert(long long id, cert_type type, const char *issued)
{
    select_cert out;
    memset(&out, 0, sizeof(out));
    out.certificate_id = id;
    out.card_id = 1;
    out.type = type;
    out.issued_on = opt(issued);
    out.revoked_on = KDATE_NONE;
    out.recorded_expiry = KDATE_NONE;
    out.card_issued_on = opt("2021-01-01");
    out.card_expires = opt("2036-01-01");
    out.card_revoked_on = KDATE_NONE;
    return out;
}

static void evaluate_on(select_resident *res, select_cert *certs, size_t count, const char *day,
                        select_result *results)
{
    res->certs = certs;
    res->cert_count = count;
    select_config config = select_config_default();
    CU_ASSERT_EQUAL_FATAL(select_resident_evaluate(res, &config, test_date(day), results), KG_OK);
}

static void evaluate(select_resident *res, select_cert *certs, size_t count, select_result *results)
{
    evaluate_on(res, certs, count, RUN_DATE, results);
}

static void expect_notice(const select_result *result, const char *expiry, expiry_cause cause)
{
    CU_ASSERT_EQUAL(result->outcome, OUTCOME_NOTICE);
    CU_ASSERT_EQUAL(result->expiry.expiry, test_date(expiry));
    CU_ASSERT_EQUAL(result->expiry.cause, cause);
}

static void expect_excluded(const select_result *result, select_reason reason,
                            const char *detail_part)
{
    CU_ASSERT_EQUAL(result->outcome, OUTCOME_EXCLUDED);
    CU_ASSERT_STRING_EQUAL(select_reason_name(result->reason), select_reason_name(reason));
    CU_ASSERT_PTR_NOT_NULL(strstr(result->detail, detail_part));
}

static void one_notice_lists_both_certificates(void)
{
    select_resident res = person("1980-01-10");
    select_cert certs[] = {cert(11, CERT_AUTH, "2022-01-20"), cert(12, CERT_SIGN, "2022-01-20")};
    select_result results[2];
    evaluate(&res, certs, 2, results);
    expect_notice(&results[0], "2027-01-10", CAUSE_BIRTHDAY);
    expect_notice(&results[1], "2027-01-10", CAUSE_BIRTHDAY);
    CU_ASSERT_EQUAL(results[0].expiry.window_open, test_date("2026-10-11"));
}

static void due_from_lead_days_before_the_window_to_the_expiry(void)
{
    /* expiry 2027-01-10, window 2026-10-11, due from 2026-09-27 through 2027-01-10 */
    select_resident res = person("1980-01-10");
    select_cert certs[] = {cert(11, CERT_AUTH, "2022-01-20")};
    select_result results[1];
    evaluate_on(&res, certs, 1, "2026-09-26", results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOT_DUE);
    evaluate_on(&res, certs, 1, "2026-09-27", results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOTICE);
    /* catch-up: a run weeks later still notices it, up to the expiry day */
    evaluate_on(&res, certs, 1, "2027-01-10", results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOTICE);
    evaluate_on(&res, certs, 1, "2027-01-11", results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOT_DUE);
}

static void already_noticed_is_never_noticed_again(void)
{
    select_resident res = person("1980-01-10");
    select_cert certs[] = {cert(11, CERT_AUTH, "2022-01-20")};
    certs[0].noticed = true;
    select_result results[1];
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_ALREADY_NOTICED);
}

static void bad_data_cases(void)
{
    select_result results[2];
    select_resident missing_birth = person(NULL);
    select_cert certs[] = {cert(21, CERT_AUTH, "2022-01-20")};
    evaluate(&missing_birth, certs, 1, results);
    expect_excluded(&results[0], REASON_BAD_DATA, "birth");
    CU_ASSERT_EQUAL(results[0].data_error, KG_ERR_BIRTH_MISSING);

    select_resident before_birth = person("1976-01-03");
    select_cert early[] = {cert(231, CERT_AUTH, "1975-12-01")};
    evaluate(&before_birth, early, 1, results);
    CU_ASSERT_EQUAL(results[0].data_error, KG_ERR_ISSUED_BEFORE_BIRTH);

    select_resident future = person("1980-01-10");
    select_cert later[] = {cert(24, CERT_AUTH, "2026-12-02")};
    evaluate(&future, later, 1, results);
    CU_ASSERT_EQUAL(results[0].data_error, KG_ERR_ISSUED_AFTER_RUN);

    select_cert bad_card[] = {cert(25, CERT_AUTH, "2022-01-20")};
    bad_card[0].card_expires = opt("2020-01-01");
    evaluate(&future, bad_card, 1, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_EXCLUDED);
    CU_ASSERT_EQUAL(results[0].data_error, KG_ERR_CARD_DATES);

    /* a sign certificate capped by a bad auth certificate cannot be known either */
    select_cert linked[] = {cert(26, CERT_AUTH, "2027-01-01"), cert(27, CERT_SIGN, "2022-01-20")};
    evaluate(&future, linked, 2, results);
    CU_ASSERT_EQUAL(results[0].data_error, KG_ERR_ISSUED_AFTER_RUN);
    CU_ASSERT_EQUAL(results[1].data_error, KG_ERR_LINKED_BAD_DATA);
    expect_excluded(&results[1], REASON_BAD_DATA, "bad data");
}

static void removed_resident_is_not_resident(void)
{
    select_resident res = person("1981-02-14");
    res.removed = true;
    res.removed_on = opt("2026-10-31");
    select_cert certs[] = {cert(31, CERT_AUTH, "2022-03-01")};
    select_result results[1];
    evaluate(&res, certs, 1, results);
    expect_excluded(&results[0], REASON_NOT_RESIDENT, "2026-10-31");
}

static void revoked_card_and_revoked_certificate(void)
{
    select_resident res = person("1980-01-20");
    select_cert certs[] = {cert(41, CERT_AUTH, "2022-02-01")};
    certs[0].card_revoked_on = opt("2026-09-01");
    select_result results[2];
    evaluate(&res, certs, 1, results);
    expect_excluded(&results[0], REASON_CARD_INVALID, "card revoked on 2026-09-01");
    /* a revocation after the run date does not count yet */
    certs[0].card_revoked_on = opt("2026-12-02");
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOTICE);

    select_resident both = person("1980-02-05");
    select_cert pair[] = {cert(51, CERT_AUTH, "2022-03-01"), cert(52, CERT_SIGN, "2022-03-01")};
    pair[0].revoked_on = opt("2025-01-01");
    evaluate(&both, pair, 2, results);
    expect_excluded(&results[0], REASON_REVOKED, "2025-01-01");
    expect_notice(&results[1], "2027-02-05", CAUSE_BIRTHDAY);
}

static void change_after_issue_voids_sign_only(void)
{
    select_resident res = person("1980-01-25");
    select_cert certs[] = {cert(61, CERT_AUTH, "2022-01-30"), cert(62, CERT_SIGN, "2022-01-30")};
    select_change changes[] = {{opt("2024-05-10"), CHANGE_NAME}};
    res.changes = changes;
    res.change_count = 1;
    select_result results[2];
    evaluate(&res, certs, 2, results);
    expect_notice(&results[0], "2027-01-25", CAUSE_BIRTHDAY);
    expect_excluded(&results[1], REASON_SIGN_VOID_CHANGE, "name changed on 2024-05-10");
    /* a change on the issue day itself does not void it (decision D20) */
    changes[0].changed_on = opt("2022-01-30");
    evaluate(&res, certs, 2, results);
    CU_ASSERT_EQUAL(results[1].outcome, OUTCOME_NOTICE);
}

static void renewal_inside_the_window_lasts_six_birthdays(void)
{
    select_resident res = person("1980-02-10");
    select_cert certs[] = {cert(71, CERT_SIGN, "2022-02-15"), cert(72, CERT_SIGN, "2026-11-20"),
                           cert(73, CERT_AUTH, "2022-02-15")};
    certs[2].issued_on = opt("2022-02-15");
    select_result results[3];
    evaluate(&res, certs, 3, results);
    expect_excluded(&results[0], REASON_RENEWED, "renewed by certificate 72");
    /* 72: E1b 6th birthday 2032-02-10, but capped by the auth certificate (2027-02-10) */
    CU_ASSERT_EQUAL(results[1].expiry.expiry, test_date("2027-02-10"));
    CU_ASSERT_EQUAL(results[1].expiry.cause, CAUSE_AUTH_CERT);
    expect_notice(&results[2], "2027-02-10", CAUSE_BIRTHDAY);
}

static void renewed_by_a_revoked_certificate_is_not_renewed(void)
{
    select_resident res = person("1980-02-10");
    select_cert certs[] = {cert(71, CERT_AUTH, "2022-02-15"), cert(72, CERT_AUTH, "2026-11-20")};
    certs[1].revoked_on = opt("2026-11-25");
    select_result results[2];
    evaluate(&res, certs, 2, results);
    expect_notice(&results[0], "2027-02-10", CAUSE_BIRTHDAY);
    CU_ASSERT_EQUAL(results[1].outcome, OUTCOME_NOT_DUE); /* E1b: 2032-02-10 */
}

static void minors_and_adult_wards_hold_no_sign(void)
{
    select_resident child = person("2010-01-30");
    select_cert certs[] = {cert(81, CERT_AUTH, "2022-02-01"), cert(82, CERT_SIGN, "2022-02-01")};
    certs[0].card_expires = opt("2027-01-30");
    certs[1].card_expires = opt("2027-01-30");
    select_result results[2];
    evaluate(&child, certs, 2, results);
    expect_notice(&results[0], "2027-01-30", CAUSE_CARD); /* tie with the birthday: card */
    expect_excluded(&results[1], REASON_SIGN_NOT_ALLOWED, "was 12 at issue");

    select_resident ward = person("1980-01-12");
    ward.adult_ward = true;
    select_cert pair[] = {cert(171, CERT_AUTH, "2022-02-01"), cert(172, CERT_SIGN, "2022-02-01")};
    evaluate(&ward, pair, 2, results);
    expect_notice(&results[0], "2027-01-12", CAUSE_BIRTHDAY);
    expect_excluded(&results[1], REASON_SIGN_NOT_ALLOWED, "adult ward");
}

static void stay_period_is_listed_not_noticed(void)
{
    select_resident res = person("1980-06-01");
    res.stay_expires = opt("2027-01-31");
    select_cert certs[] = {cert(91, CERT_AUTH, "2024-02-01")};
    certs[0].card_expires = opt("2027-01-31");
    select_result results[1];
    evaluate(&res, certs, 1, results);
    expect_excluded(&results[0], REASON_STAY_PERIOD, "2027-01-31");
    CU_ASSERT_EQUAL(results[0].expiry.cause, CAUSE_STAY_PERIOD);
}

static void lives_elsewhere_undeliverable_and_glyphs(void)
{
    select_resident res = person("1980-01-05");
    select_cert certs[] = {cert(101, CERT_AUTH, "2022-02-01")};
    select_result results[1];
    res.lives_elsewhere = true;
    evaluate(&res, certs, 1, results);
    expect_excluded(&results[0], REASON_LIVES_ELSEWHERE, "居所");
    res.lives_elsewhere = false;
    res.has_postal_code = false;
    evaluate(&res, certs, 1, results);
    expect_excluded(&results[0], REASON_UNDELIVERABLE, "no postal code");
    res.has_postal_code = true;
    res.has_address = false;
    evaluate(&res, certs, 1, results);
    expect_excluded(&results[0], REASON_UNDELIVERABLE, "no address");
    res.has_address = true;
    res.glyph_problem = "family_name: U+E000 has no glyph";
    evaluate(&res, certs, 1, results);
    expect_excluded(&results[0], REASON_GLYPH_MISSING, "U+E000");
    /* precedence: lives_elsewhere comes before undeliverable and glyph_missing */
    res.lives_elsewhere = true;
    res.has_postal_code = false;
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].reason, REASON_LIVES_ELSEWHERE);
}

/* D90: a notice that came back holds the resident's next certificates back until the
 * address changes; after recent_mover, before undeliverable in the N4 order. */
static void returned_mail_holds_until_the_address_changes(void)
{
    select_resident res = person("1980-01-05");
    select_cert certs[] = {cert(101, CERT_AUTH, "2022-02-01")};
    select_result results[1];
    select_return ret = {"20261101-000001", opt("2026-11-01"), opt("2026-11-10"),
                         "unknown_at_address", true};
    res.returned = &ret;
    evaluate(&res, certs, 1, results);
    expect_excluded(&results[0], REASON_RETURNED_MAIL,
                    "notice 20261101-000001 returned on 2026-11-10 (unknown_at_address): not "
                    "mailed to the same address again");
    CU_ASSERT(results[0].final); /* a change of address or an undo marks the resident stale */
    CU_ASSERT_PTR_NULL(select_return_lifted(&res, test_date(RUN_DATE)));
    /* returned after the run date: not known yet on it */
    ret.returned_on = opt("2026-12-02");
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOTICE);
    ret.returned_on = opt("2026-12-01");
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].reason, REASON_RETURNED_MAIL);
    /* another address now: the block is lifted */
    ret.address_same = false;
    CU_ASSERT_STRING_EQUAL(select_return_lifted(&res, test_date(RUN_DATE)), "address");
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOTICE);
    ret.address_same = true;
    /* a move in or within after the notice's night, up to the run date, lifts it */
    select_move moves[] = {{opt("2026-11-01"), MOVE_WITHIN}};
    res.moves = moves;
    res.move_count = 1;
    CU_ASSERT_PTR_NULL(select_return_lifted(&res, test_date(RUN_DATE)));
    moves[0].moved_on = opt("2026-11-02");
    CU_ASSERT_STRING_EQUAL(select_return_lifted(&res, test_date(RUN_DATE)), "moved");
    moves[0].moved_on = opt("2026-12-02");
    CU_ASSERT_PTR_NULL(select_return_lifted(&res, test_date(RUN_DATE)));
    moves[0].kind = MOVE_OUT;
    moves[0].moved_on = opt("2026-11-02");
    CU_ASSERT_PTR_NULL(select_return_lifted(&res, test_date(RUN_DATE)));
    res.move_count = 0;
    select_change changes[] = {{opt("2026-11-05"), CHANGE_NAME}};
    res.changes = changes;
    res.change_count = 1;
    CU_ASSERT_PTR_NULL(select_return_lifted(&res, test_date(RUN_DATE)));
    changes[0].field = CHANGE_ADDRESS;
    CU_ASSERT_STRING_EQUAL(select_return_lifted(&res, test_date(RUN_DATE)), "moved");
    res.change_count = 0;
    /* precedence: after recent_mover, before undeliverable and glyph_missing */
    res.has_postal_code = false;
    res.glyph_problem = "family_name: U+E000 has no glyph";
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].reason, REASON_RETURNED_MAIL);
    moves[0].kind = MOVE_IN;
    moves[0].moved_on = opt("2026-10-01"); /* before the notice: no lift, but a recent mover */
    res.move_count = 1;
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].reason, REASON_RECENT_MOVER);
    res.returned = NULL;
    res.move_count = 0;
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].reason, REASON_UNDELIVERABLE);
    CU_ASSERT_PTR_NULL(select_return_lifted(&res, test_date(RUN_DATE)));
}

static void mover_window_boundaries(void)
{
    /* expiry 2027-01-18: the mover window starts 2026-07-18 */
    select_resident res = person("1980-01-18");
    select_cert certs[] = {cert(181, CERT_AUTH, "2022-02-01")};
    select_move moves[] = {{opt("2026-07-17"), MOVE_IN}};
    res.moves = moves;
    res.move_count = 1;
    select_result results[1];
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOTICE); /* the day before */
    moves[0].moved_on = opt("2026-07-18");
    evaluate(&res, certs, 1, results);
    expect_excluded(&results[0], REASON_RECENT_MOVER, "moved (in) on 2026-07-18");
    moves[0].moved_on = opt("2026-07-19");
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].reason, REASON_RECENT_MOVER); /* the day after */
    /* a move after the run date is not yet known as a move */
    moves[0].moved_on = opt("2026-12-02");
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOTICE);
    /* a move out is not a move in the municipality */
    moves[0].moved_on = opt("2026-08-01");
    moves[0].kind = MOVE_OUT;
    evaluate(&res, certs, 1, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOTICE);
}

static void recorded_expiry_wins_and_juki_is_never_noticed(void)
{
    select_resident res = person("1980-02-01");
    select_cert certs[] = {cert(131, CERT_AUTH, "2022-02-15")};
    certs[0].recorded_expiry = opt("2027-01-31");
    select_result results[1];
    evaluate(&res, certs, 1, results);
    expect_notice(&results[0], "2027-01-31", CAUSE_RECORDED);
    CU_ASSERT(results[0].expiry.recorded_mismatch);

    select_resident old = person("1950-01-01");
    select_cert juki[] = {cert(301, CERT_JUKI, "2014-01-10")};
    juki[0].card_id = 0;
    evaluate_on(&old, juki, 1, "2016-12-20", results);
    expect_excluded(&results[0], REASON_CARD_INVALID, "juki");
    evaluate(&old, juki, 1, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_NOT_DUE);
}

static void reason_names_are_stable(void)
{
    static const char *const expected[] = {
        "bad_data",      "not_resident",     "card_invalid", "revoked",         "sign_void_change",
        "renewed",       "sign_not_allowed", "stay_period",  "lives_elsewhere", "recent_mover",
        "returned_mail", "undeliverable",    "glyph_missing"};
    CU_ASSERT_EQUAL(REASON__COUNT, sizeof(expected) / sizeof(expected[0]));
    for (int reason = 0; reason < REASON__COUNT; reason++)
        CU_ASSERT_STRING_EQUAL(select_reason_name((select_reason)reason), expected[reason]);
    CU_ASSERT_STRING_EQUAL(select_reason_name(REASON__COUNT), "?");
    move_kind kind = MOVE_IN;
    CU_ASSERT(select_move_kind_parse("within", 6, &kind));
    CU_ASSERT_EQUAL(kind, MOVE_WITHIN);
    CU_ASSERT(!select_move_kind_parse("withi", 5, &kind));
    change_field field = CHANGE_NAME;
    CU_ASSERT(select_change_field_parse("birth_date", 10, &field));
    CU_ASSERT_EQUAL(field, CHANGE_BIRTH_DATE);
    CU_ASSERT(!select_change_field_parse("", 0, &field));
}

/* D28: a final exclusion is reported once; an already-settled one comes back as
 * OUTCOME_ALREADY_EXCLUDED. bad_data and `renewed` by a certificate that carries a (future)
 * revocation date are not final: they are decided and reported again. */
static void final_exclusions_are_reported_once(void)
{
    select_resident res = person("1980-02-10");
    select_cert certs[] = {cert(71, CERT_AUTH, "2022-02-15"), cert(72, CERT_AUTH, "2026-11-20")};
    select_result results[2];
    evaluate(&res, certs, 2, results);
    expect_excluded(&results[0], REASON_RENEWED, "renewed by certificate 72");
    CU_ASSERT(results[0].final);
    certs[0].settled = true;
    evaluate(&res, certs, 2, results);
    CU_ASSERT_EQUAL(results[0].outcome, OUTCOME_ALREADY_EXCLUDED);
    CU_ASSERT_EQUAL(results[0].reason, REASON_RENEWED);

    /* the renewing certificate will be revoked on 2026-12-20: on 2026-12-21 the old one is
     * due for a notice again, so its exclusion today is not final */
    certs[0].settled = false;
    certs[1].revoked_on = opt("2026-12-20");
    evaluate(&res, certs, 2, results);
    expect_excluded(&results[0], REASON_RENEWED, "renewed by certificate 72");
    CU_ASSERT(!results[0].final);
    evaluate_on(&res, certs, 2, "2026-12-21", results);
    expect_notice(&results[0], "2027-02-10", CAUSE_BIRTHDAY);
    CU_ASSERT(results[0].final);

    select_resident missing = person(NULL);
    select_cert bad[] = {cert(81, CERT_AUTH, "2022-02-15")};
    bad[0].settled = true; /* cannot happen, but bad_data is reported whatever the mark */
    evaluate(&missing, bad, 1, results);
    expect_excluded(&results[0], REASON_BAD_DATA, "birth date");
    CU_ASSERT(!results[0].final);
}

/* A small deterministic generator (xorshift) for the schedule property below. */
static unsigned long long next_random(unsigned long long *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static kdate random_day(unsigned long long *state, const char *from, int span_days)
{
    return test_date(from) + (kdate)(next_random(state) % (unsigned long long)span_days);
}

/* The schedule's promise (select_resident_schedule, sql/004_schedule.sql): whenever any
 * certificate of a resident is due or undecidable on a day D, under any reading and lead
 * days, the resident is read on D: some certificate is `always`, issued after D, or has
 * due_from - lead <= D <= due_until with due_from >= D - SELECT_SCHEDULE_MAX_SPAN (the
 * scan's index range). Random residents (29 February births, caps, renewals, bad data),
 * every day of 2024-2029, lead days 0, 14 and 60, W1/W2, both 29 February readings. */
static void schedule_covers_every_due_day(void)
{
    unsigned long long state = 0x9e3779b97f4a7c15ULL;
    long due_days = 0, residents = 0;
    static const int leads[] = {0, 14, 60};
    for (int sample = 0; sample < 300; sample++) {
        select_resident res = person(sample % 7 == 0 ? "1988-02-29" : NULL);
        if (sample % 7 != 0)
            res.birth_date = random_day(&state, "1940-01-01", 60 * 365);
        if (sample % 41 == 5)
            res.birth_date = KDATE_NONE;
        if (sample % 9 == 3)
            res.stay_expires = random_day(&state, "2024-01-01", 6 * 365);
        select_cert certs[4];
        size_t count = 1 + next_random(&state) % 4;
        for (size_t idx = 0; idx < count; idx++) {
            certs[idx] = cert((long long)(idx + 1), idx % 2 == 0 ? CERT_AUTH : CERT_SIGN, NULL);
            certs[idx].issued_on = random_day(&state, "2019-01-01", 11 * 365);
            if (next_random(&state) % 4 == 0)
                certs[idx].card_expires = random_day(&state, "2023-01-01", 8 * 365);
            if (next_random(&state) % 10 == 0)
                certs[idx].recorded_expiry = random_day(&state, "2024-01-01", 6 * 365);
        }
        res.certs = certs;
        res.cert_count = count;
        select_schedule schedules[4];
        CU_ASSERT_EQUAL_FATAL(select_resident_schedule(&res, schedules), KG_OK);
        residents++;
        for (kdate day = test_date("2024-01-01"); day <= test_date("2029-12-31"); day++) {
            bool read = false;
            for (size_t idx = 0; idx < count; idx++) {
                const select_schedule *schedule = &schedules[idx];
                read = read || schedule->always || certs[idx].issued_on > day ||
                       (schedule->due_from - 60 <= day && day <= schedule->due_until &&
                        schedule->due_from >= day - SELECT_SCHEDULE_MAX_SPAN);
            }
            if (read)
                continue; /* the tighter lead days below are implied when read */
            for (int reading = 0; reading < 4; reading++) {
                for (size_t lead_idx = 0; lead_idx < 3; lead_idx++) {
                    select_config config = select_config_default();
                    config.rules.window_w2 = (reading & 1) != 0;
                    config.rules.feb29 = (reading & 2) != 0 ? FEB29_AS_MAR1 : FEB29_AS_FEB28;
                    config.lead_days = leads[lead_idx];
                    select_result results[4];
                    CU_ASSERT_EQUAL_FATAL(select_resident_evaluate(&res, &config, day, results),
                                          KG_OK);
                    for (size_t idx = 0; idx < count; idx++)
                        if (results[idx].outcome != OUTCOME_NOT_DUE) {
                            CU_FAIL("a due certificate on a day the schedule does not read");
                            return;
                        }
                }
            }
        }
        for (size_t idx = 0; idx < count; idx++)
            if (!schedules[idx].always)
                due_days += schedules[idx].due_until - schedules[idx].due_from;
    }
    CU_ASSERT(residents == 300);
    CU_ASSERT(due_days > 300 * 80); /* windows of about three months were computed */
}

/* The reason table (common/reasons.h): every N4 code in the select_reason order, each
 * entry labelled and explained in both languages, docs/formats.md listing each as written. */
static void every_code_has_its_labels_and_docs_list_them(void)
{
    for (int reason = 0; reason < REASON__COUNT; reason++)
        CU_ASSERT_STRING_EQUAL(reasons_exclusion(reason)->code,
                               select_reason_name((select_reason)reason));
    CU_ASSERT_PTR_NULL(reasons_exclusion(REASON__COUNT));
    static const char *const group_names[] = {"exclusion", "finding",     "cause",
                                              "move",      "form status", "certificate type"};
    char path[1024];
    char *docs = test_read_file(test_root_path("docs/formats.md", path, sizeof(path)));
    CU_ASSERT_PTR_NOT_NULL_FATAL(docs);
    size_t count = 0;
    const reason_entry *entries = reasons_all(&count);
    CU_ASSERT(count >= REASON__COUNT + 1);
    for (size_t idx = 0; idx < count; idx++) {
        const reason_entry *entry = &entries[idx];
        CU_ASSERT(entry->label_en[0] != '\0' && entry->label_ja[0] != '\0');
        CU_ASSERT(entry->explain_en[0] != '\0' && entry->explain_ja[0] != '\0');
        CU_ASSERT_PTR_EQUAL(reasons_find(entry->group, entry->code), entry); /* unique */
        char line[2048];
        snprintf(line, sizeof(line), "\n| %s | `%s` | %s | %s | %s | %s |\n",
                 group_names[entry->group], entry->code, entry->label_en, entry->label_ja,
                 entry->explain_en, entry->explain_ja);
        if (strstr(docs, line) == NULL)
            fprintf(stderr, "\ndocs/formats.md lacks the row:%s", line);
        CU_ASSERT_PTR_NOT_NULL(strstr(docs, line));
    }
    free(docs);
    CU_ASSERT_STRING_EQUAL(reasons_label(REASON_GROUP_EXCLUSION, "recent_mover", KG_LANG_JA),
                           "転入・転居から間もない");
    CU_ASSERT_STRING_EQUAL(reasons_label(REASON_GROUP_EXCLUSION, "recent_mover", KG_LANG_EN),
                           "recent mover");
    CU_ASSERT_STRING_EQUAL(reasons_label(REASON_GROUP_FORM_STATUS, "overdue", KG_LANG_JA),
                           "回答遅延");
    /* a code of a newer version read from the ledger: shown as it is */
    CU_ASSERT_STRING_EQUAL(reasons_label(REASON_GROUP_EXCLUSION, "new_code", KG_LANG_JA),
                           "new_code");
    CU_ASSERT_STRING_EQUAL(reasons_explanation(REASON_GROUP_EXCLUSION, "new_code", KG_LANG_JA), "");
    char date[REASONS_DATE_SIZE];
    CU_ASSERT_STRING_EQUAL(reasons_date(KG_LANG_JA, test_date("2026-11-10"), date),
                           "令和8年11月10日");
    CU_ASSERT_STRING_EQUAL(reasons_date(KG_LANG_EN, test_date("2026-11-10"), date), "2026-11-10");
    CU_ASSERT_STRING_EQUAL(reasons_date(KG_LANG_JA, test_date("1872-12-31"), date), "1872-12-31");
}

/* The details in the run's language (D112): Japanese text with 和暦 dates under
 * language = ja, English with ISO dates under en, whatever the process speaks. */
static void details_are_written_in_the_runs_language(void)
{
    select_resident res = person("1980-02-10");
    select_cert certs[] = {cert(71, CERT_SIGN, "2022-02-15"), cert(72, CERT_SIGN, "2026-11-20"),
                           cert(73, CERT_AUTH, "2022-02-15")};
    certs[2].recorded_expiry = opt("2027-02-11"); /* a finding beside its notice */
    res.certs = certs;
    res.cert_count = 3;
    select_result results[3];
    select_config config = select_config_default();
    CU_ASSERT_EQUAL(config.language, KG_LANG_EN);
    i18n_use(KG_LANG_JA);
    config.language = KG_LANG_JA;
    CU_ASSERT_EQUAL(select_resident_evaluate(&res, &config, test_date(RUN_DATE), results), KG_OK);
    CU_ASSERT_STRING_EQUAL(results[0].detail, "電子証明書 72（令和8年11月20日 発行）で更新済み");
    CU_ASSERT(select_result_is_finding(&results[2]));
    CU_ASSERT_STRING_EQUAL(results[2].finding,
                           "記録上の有効期限 令和9年2月11日、算出した有効期限 令和9年2月10日"
                           "（誕生日）");
    select_move moves[] = {{opt("2026-10-01"), MOVE_WITHIN}};
    select_resident mover = person("1980-01-18");
    select_cert mover_certs[] = {cert(181, CERT_AUTH, "2022-02-01")};
    mover.moves = moves;
    mover.move_count = 1;
    mover.certs = mover_certs;
    mover.cert_count = 1;
    CU_ASSERT_EQUAL(select_resident_evaluate(&mover, &config, test_date(RUN_DATE), results), KG_OK);
    CU_ASSERT_STRING_EQUAL(results[0].detail,
                           "令和8年10月1日 転居（確認期間の始まり 令和8年7月18日）");
    /* English under language = en, even when the process speaks Japanese */
    config.language = KG_LANG_EN;
    CU_ASSERT_EQUAL(select_resident_evaluate(&res, &config, test_date(RUN_DATE), results), KG_OK);
    CU_ASSERT_STRING_EQUAL(results[0].detail, "renewed by certificate 72 issued on 2026-11-20");
    CU_ASSERT_STRING_EQUAL(results[2].finding,
                           "recorded 2027-02-11, computed 2027-02-10 (birthday)");
    i18n_use(i18n_language_of_environment());
}

int tests_register_select(void)
{
    static const test_case cases[] = {
        {"one_notice_lists_both_certificates", one_notice_lists_both_certificates},
        {"due_from_lead_days_before_the_window_to_the_expiry",
         due_from_lead_days_before_the_window_to_the_expiry},
        {"already_noticed_is_never_noticed_again", already_noticed_is_never_noticed_again},
        {"bad_data_cases", bad_data_cases},
        {"removed_resident_is_not_resident", removed_resident_is_not_resident},
        {"revoked_card_and_revoked_certificate", revoked_card_and_revoked_certificate},
        {"change_after_issue_voids_sign_only", change_after_issue_voids_sign_only},
        {"renewal_inside_the_window_lasts_six_birthdays",
         renewal_inside_the_window_lasts_six_birthdays},
        {"renewed_by_a_revoked_certificate_is_not_renewed",
         renewed_by_a_revoked_certificate_is_not_renewed},
        {"minors_and_adult_wards_hold_no_sign", minors_and_adult_wards_hold_no_sign},
        {"stay_period_is_listed_not_noticed", stay_period_is_listed_not_noticed},
        {"lives_elsewhere_undeliverable_and_glyphs", lives_elsewhere_undeliverable_and_glyphs},
        {"mover_window_boundaries", mover_window_boundaries},
        {"returned_mail_holds_until_the_address_changes",
         returned_mail_holds_until_the_address_changes},
        {"recorded_expiry_wins_and_juki_is_never_noticed",
         recorded_expiry_wins_and_juki_is_never_noticed},
        {"reason_names_are_stable", reason_names_are_stable},
        {"final_exclusions_are_reported_once", final_exclusions_are_reported_once},
        {"schedule_covers_every_due_day", schedule_covers_every_due_day},
        {"every_code_has_its_labels_and_docs_list_them",
         every_code_has_its_labels_and_docs_list_them},
        {"details_are_written_in_the_runs_language", details_are_written_in_the_runs_language},
        {NULL, NULL},
    };
    return tests_add_suite("select", cases);
}
